using System.Security.Claims;
using Alliance.Data;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Alliance.Web.Security;

/// <summary>The sign-in settings an agency's IT lead may change (section <c>Security</c>).</summary>
public sealed class SignInSecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Security";

    /// <summary>Minutes without a request after which a sign-in lapses (<c>Security:IdleTimeoutMinutes</c>).</summary>
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>
    /// Seconds between checks of the account's security stamp (<c>Security:StampCheckSeconds</c>): how soon other
    /// sessions end after "sign out everywhere", a password change or an account being switched off.
    /// </summary>
    public int StampCheckSeconds { get; set; } = 60;
}

/// <summary>
/// Strong sign-in: NIST-style password rules with a common-password list, TOTP two-factor sign-in (required for
/// admins outside the demo agency), an idle timeout, and sign-out everywhere through security-stamp checks.
/// </summary>
public static class SignInSecurity
{
    /// <summary>Registers the password rules, two-factor sign-in, idle timeout and stamp checks.</summary>
    public static IServiceCollection AddSignInSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SignInSecurityOptions>()
            .Bind(configuration.GetSection(SignInSecurityOptions.Section))
            .Validate(o => o.IdleTimeoutMinutes >= 1, "Security:IdleTimeoutMinutes must be 1 or more.")
            .Validate(o => o.StampCheckSeconds >= 0, "Security:StampCheckSeconds must be 0 or more.")
            .ValidateOnStart();

        // Passwords: Identity's options keep the minimum length (12) and drop composition rules; these add the rest.
        services.AddSingleton<CommonPasswords>();
        services.AddSingleton<IPasswordValidator<StaffUser>, PasswordRules>();

        // Two-factor: Identity's authenticator provider, each code accepted once; admins outside the demo must use it.
        services.AddTransient<OnceOnlyAuthenticatorTokenProvider>();
        services.PostConfigure<IdentityOptions>(o =>
            o.Tokens.ProviderMap[o.Tokens.AuthenticatorTokenProvider] = new TokenProviderDescriptor(typeof(OnceOnlyAuthenticatorTokenProvider)));
        services.AddScoped<TwoFactorRule>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, TwoFactorGate>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme).PostConfigure<IHostEnvironment>((o, env) =>
        {
            // The short-lived cookie between the password and the code.
            o.Cookie.Name = "alliance.2fa";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });

        // Idle timeout and stamp checks on the sign-in cookie.
        services.TryAddScoped<ISecurityStampValidator, SecurityStampValidator<StaffUser>>();
        services.TryAddScoped<ITwoFactorSecurityStampValidator, TwoFactorSecurityStampValidator<StaffUser>>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).PostConfigure<IOptions<SignInSecurityOptions>>((o, settings) =>
        {
            o.ExpireTimeSpan = TimeSpan.FromMinutes(settings.Value.IdleTimeoutMinutes);
            o.SlidingExpiration = true;
            var earlier = o.Events.OnValidatePrincipal;
            Func<CookieValidatePrincipalContext, Task> stampCheck = SecurityStampValidator.ValidatePrincipalAsync;
            if (earlier != stampCheck)
                o.Events.OnValidatePrincipal = async context =>
                {
                    await earlier(context).ConfigureAwait(false);
                    if (context.Principal is not null && StampCheckDue(context)) await stampCheck(context).ConfigureAwait(false);
                };
        });
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<SignInSecurityOptions>>((o, settings) =>
        {
            o.ValidationInterval = TimeSpan.FromSeconds(settings.Value.StampCheckSeconds);
            o.OnRefreshingPrincipal = KeepAuthenticationMethod;
        });
        return services;
    }

    /// <summary>
    /// Whether the stamp check would look at the account now: when the cookie was issued longer ago than the check's
    /// interval, or has no time of issue. The same test as the check itself (<see cref="SecurityStampValidator{TUser}"/>,
    /// on the same options and clock), made first so that the requests between checks do not build the check and the
    /// sign-in services it needs only to find that nothing is due.
    /// </summary>
    internal static bool StampCheckDue(CookieValidatePrincipalContext context)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;
        if (context.Properties.IssuedUtc is not { } issued) return true;
        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        return now - issued > options.ValidationInterval;
    }

    /// <summary>A stamp check rebuilds the claims from the database; keep how the person signed in (password, or with a code).</summary>
    private static Task KeepAuthenticationMethod(SecurityStampRefreshingPrincipalContext context)
    {
        const string amr = "amr";
        if (context.CurrentPrincipal?.FindFirst(amr) is { } method
            && context.NewPrincipal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == amr))
            identity.AddClaim(new Claim(amr, method.Value));
        return Task.CompletedTask;
    }
}
