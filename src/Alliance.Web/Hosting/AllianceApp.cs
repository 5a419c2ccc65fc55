using System.Text.Json.Serialization;
using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Application.Security;
using Alliance.Data;
using Alliance.Data.Sqlite;
using Alliance.Domain;
using Alliance.Web.Errors;
using Alliance.Web.Features.Api;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Hosting;

/// <summary>Builds the web host: services, security and the request pipeline.</summary>
public static class AllianceApp
{
    /// <summary>Policy names.</summary>
    public static class Policies
    {
        public const string Admin = "admin";
        public const string Supervisor = "supervisor";
        public const string Clinician = "clinician";
        public const string CaseReader = "case-reader";
        public const string AuditReader = "audit-reader";
    }

    /// <summary>Builds the application from command-line arguments (<c>--data DIR</c>, <c>--demo</c>, <c>--urls</c>...).</summary>
    public static WebApplication Build(string[] args)
    {
        // --demo is a bare flag, which the command-line configuration source cannot read; lift it out first.
        var demo = args.Contains("--demo", StringComparer.Ordinal);
        var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
        if (demo) builder.Configuration["Demo"] = "true";

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"])
            && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls("http://localhost:5080");

        // Read from the final configuration when first needed (start-up resolves them at once, so a wrong
        // provider still stops the start with its message).
        builder.Services.AddSingleton(sp => new HostFolders(DataFolder.Resolve(sp.GetRequiredService<IConfiguration>())));
        builder.Services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<HostFolders>().Data));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        // A context for each request, taken from a pool: setting up EF Core's services for every request was a twentieth of
        // the server's time under load (docs/performance.md). Its options (the provider and connection string) are built once.
        // On SQLite they borrow open connections that keep their compiled statements (closed when the host stops).
        builder.Services.AddSingleton<SqliteStatementPool>();
        builder.Services.AddAllianceDbContext((sp, options) => sp.GetRequiredService<DatabaseSettings>().Apply(options, sp.GetRequiredService<SqliteStatementPool>()), pooled: true);

        builder.Services.AddIdentityCore<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AllianceDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>()
            .AddDefaultTokenProviders();
        // The authenticator key and the recovery codes are encrypted at rest (replaces the store registered above).
        builder.Services.AddScoped<IUserStore<StaffUser>, SecretTokenStore>();

        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "alliance.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            // Lifetime: an idle timeout, Security:IdleTimeoutMinutes (30), set with the stamp checks in AddSignInSecurity.
            o.SlidingExpiration = true;
            o.Events = new CookieAuthenticationEvents
            {
                OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden),
            };
        });
        builder.Services.AddSignInSecurity(builder.Configuration);
        var keyEncryptionKey = builder.Services.AddAllianceDataProtection(builder.Configuration, DataFolder.Resolve(builder.Configuration));
        builder.Services.AddSingleton(keyEncryptionKey);

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(StaffClaims.Agency).Build())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Admin))
            .AddPolicy(Policies.Supervisor, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Supervisor))
            .AddPolicy(Policies.Clinician, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Therapist, StaffRoles.Supervisor))
            // Reading one case: clinicians by the care relationship, an admin only through a break-the-glass grant.
            .AddPolicy(Policies.CaseReader, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Therapist, StaffRoles.Supervisor, StaffRoles.Admin))
            .AddPolicy(Policies.AuditReader, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Supervisor, StaffRoles.Admin));

        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "alliance.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            o.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
            o.Conventions.AuthorizeFolder("/Supervision", Policies.Supervisor);
            o.Conventions.AuthorizePage("/Cases/New", Policies.Clinician);
            o.Conventions.AuthorizePage("/Cases/Details", Policies.CaseReader);
            o.Conventions.AuthorizeFolder("/Audit", Policies.AuditReader);
            o.Conventions.AuthorizeFolder("/Sessions", Policies.Clinician);
            o.Conventions.AuthorizeFolder("/Process", Policies.Clinician);
        }).AddMvcOptions(o =>
        {
            // The domain's rules give the messages, in the clinician's words; no generic "field is required".
            o.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
            o.ModelBindingMessageProvider.SetValueMustBeANumberAccessor(_ => "Enter a number.");
            o.ModelBindingMessageProvider.SetAttemptedValueIsInvalidAccessor((_, _) => "This value is not valid here.");
        })
        // Sections kept laid out (<cache>: a case page's scores) hold at most 16 MB, about a hundred families' charts.
        .AddCacheTagHelperLimits(o => o.SizeLimit = 16 * 1024 * 1024);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // Unreadable requests reach the one exception handler, which names the field, in every environment.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<AllianceExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddApplicationHandlers();
        builder.Services.AddSingleton<AuditReads>();
        builder.Services.AddHostedService<AuditFlusher>();
        builder.Services.AddHostedService<DatabaseStatistics>();
        builder.Services.AddHostedService<NativeMemoryTrim>();

        var app = builder.Build();
        // Outermost: an error answered without a body is re-executed as the friendly status page.
        app.UseWhen(ctx => !IsMachineFacing(ctx.Request.Path), a => a.UseStatusCodePagesWithReExecute("/status/{0}"));
        // The API's errors answered without a body (no such route or method, a role that does not allow it) get a ProblemDetails
        // too, and a body in a character set nobody knows is refused before an endpoint tries to read it.
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase),
            a => a.UseStatusCodePages().Use(RequestCharset.RefuseUnknownAsync));
        app.UseExceptionHandler();
        // Behind a reverse proxy that terminates TLS, trust its forwarded headers, and only its own.
        var proxies = app.Configuration["ReverseProxy:KnownProxies"];
        if (!string.IsNullOrWhiteSpace(proxies))
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            foreach (var address in proxies.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(address));
            app.UseForwardedHeaders(forwarded);
        }
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapRazorPages();
        app.MapAllianceApi();
        app.MapProcessApi();
        Alliance.Web.Features.Fhir.FhirEndpoints.MapFhir(app);
        app.MapMeasuresApi();
        app.MapAlertApi();
        app.MapFeedbackApi();
        app.MapBoundaryApi();
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }

    /// <summary>True for paths answered in JSON (the API, FHIR, OpenAPI, health) rather than pages.</summary>
    internal static bool IsMachineFacing(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);

    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (IsMachineFacing(ctx.Request.Path))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Folders the host keeps its files in.</summary>
public sealed record HostFolders(string Data);
