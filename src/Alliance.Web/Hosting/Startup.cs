using System.Globalization;
using Alliance.Application;
using Alliance.Application.Agencies;
using Alliance.Application.Demo;
using Alliance.Application.Security;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Admin;
using Alliance.Web.Features.Sessions;
using Alliance.Web.Security;

namespace Alliance.Web.Hosting;

/// <summary>Work done once at start: the schema, the roles, the demo agency.</summary>
public static class Startup
{
    /// <summary>Registers the use-case handlers (one class per use case; no mediator).</summary>
    internal static IServiceCollection AddApplicationHandlers(this IServiceCollection services)
    {
        services.AddScoped<HttpTenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<HttpTenantContext>());
        services.AddScoped<StaffAccounts>();
        services.AddScoped<DemoAgency>();
        services.AddScoped<CreateAgency>();
        services.AddScoped<GetCaseload>();
        services.AddScoped<GetCase>();
        services.AddSingleton<CaseReadCache>();
        services.AddScoped<CreateCase>();
        services.AddScoped<ChangeCase>();
        services.AddScoped<Alliance.Application.Episodes.OrientationTexts>();
        services.AddScoped<Alliance.Web.Features.Process.ProcessWork>();
        services.AddScoped<Alliance.Web.Features.Process.GetProcess>();
        services.AddScoped<SessionWork>();
        services.AddScoped<AgencyAdministration>();
        services.AddScoped<BreakGlass>();
        services.AddScoped<Alliance.Web.Features.Alerts.AlertWork>();
        services.AddScoped<Alliance.Application.Feedback.CaseFeedback>();
        services.AddSingleton<Alliance.Application.Feedback.AgencyRules>();
        services.AddSingleton(sp => new Alliance.Application.Feedback.ExpectedTrajectoryCache(Alliance.Application.Feedback.TrajectorySettings.From(sp.GetRequiredService<IConfiguration>())));
        services.AddScoped<Alliance.Application.Feedback.ExpectedTrajectoryModel>();
        services.AddScoped<SessionFeedback>();
        services.AddScoped<ThresholdsWork>();
        services.AddSingleton<Alliance.Web.Features.Alerts.AlertEscalation>();
        services.AddHostedService(sp => sp.GetRequiredService<Alliance.Web.Features.Alerts.AlertEscalation>());
        services.AddScoped<Alliance.Web.Features.Inbox.Notifications>();
        services.AddScoped<Alliance.Web.Features.Audit.AuditSearch>();
        services.AddSingleton<Alliance.Application.Measures.AgencyInstrumentCache>();
        services.AddScoped<Alliance.Application.Measures.AgencyInstruments>();
        services.AddScoped<Alliance.Web.Features.Scores.GetScores>();
        services.AddScoped<Alliance.Web.Features.Scores.EmpathyScores>();
        services.AddScoped<Alliance.Web.Features.Fhir.FhirResponses>();
        services.AddTransient<IStartupFilter, Alliance.Web.Features.Fhir.FhirOutcomeStartupFilter>();
        services.AddScoped<Alliance.Application.Measures.QuestionnaireLinks>();
        services.AddScoped<Alliance.Application.Measures.RecordResponse>();
        services.AddScoped<Alliance.Web.Features.Responses.ResponseWork>();
        services.AddScoped<Alliance.Application.Feedback.FeedbackConsistencyReport>();
        services.AddScoped<GetSessionMeasures>();
        services.AddSingleton<SessionReadLog>();
        services.AddSingleton<Alliance.Web.Features.Questionnaires.LinkLookupLimiter>();
        Alliance.Web.Features.Boundaries.BoundaryServices.Add(services);
        return services;
    }

    /// <summary>Migrates the database and, in Development or with <c>--demo</c>, seeds the demo agency into an empty one.</summary>
    public static async Task InitializeAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var log = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Alliance");
        var settings = scope.ServiceProvider.GetRequiredService<DatabaseSettings>();
        await DatabaseSettings.MigrateAsync(db).ConfigureAwait(false);
        // The migrations' statements are let go, and what is compiled from now on is planned with the new statistics.
        app.Services.GetRequiredService<Alliance.Data.Sqlite.SqliteStatementPool>().Expire();
        // Reads or creates the key ring now, outside any transaction a request opens later.
        scope.ServiceProvider.GetRequiredService<ISensitiveTextProtector>().Protect(string.Empty);
        await scope.ServiceProvider.GetRequiredService<StaffAccounts>().EnsureRolesAsync().ConfigureAwait(false);

        var wantDemo = app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>("Demo");
        var seeded = wantDemo && await scope.ServiceProvider.GetRequiredService<DemoAgency>()
            .SeedIfEmptyAsync(app.Configuration.GetValue("Demo:HistoricalEpisodes", DemoAgency.HistoricalEpisodes)).ConfigureAwait(false);
        var folders = app.Services.GetRequiredService<HostFolders>();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = string.Join(", ", app.Urls.DefaultIfEmpty("(test host)"));
            var banner = new System.Text.StringBuilder()
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"  Alliance is running at {addresses}")
                .AppendLine(CultureInfo.InvariantCulture, $"  Database: {settings.Provider}{(settings.Provider == DatabaseProvider.Sqlite ? $" in {folders.Data}" : "")}");
            if (wantDemo)
            {
                banner.AppendLine(seeded ? "  The demo agency was created. Sign in as:" : "  Demo sign-ins (if this database holds the demo agency):");
                foreach (var s in DemoAgency.SignIns)
                    banner.AppendLine(CultureInfo.InvariantCulture, $"    {s.Email,-36} {s.Role,-12} password: {DemoAgency.Password}");
            }
            var key = app.Services.GetRequiredService<KeyEncryptionKey>();
            if (key.CreatedNow)
            {
                banner.AppendLine()
                    .AppendLine("  !!! A NEW KEY-ENCRYPTION KEY WAS CREATED !!!")
                    .AppendLine(CultureInfo.InvariantCulture, $"  {key.Path}")
                    .AppendLine("  It protects every note in this database. Back it up NOW, and keep that copy apart from")
                    .AppendLine("  database backups: without it no note can ever be read again; with both, anyone can read them.");
            }
            // The banner holds no client data: staff sign-ins of the synthetic demo only.
            Console.WriteLine(banner.ToString());
        });
        Log.DatabaseReady(log, settings.Provider);
        // The start has written (the migrations' history, the roles): the writer's thread exists and said how it runs.
        if (settings.Provider == DatabaseProvider.Sqlite && OperatingSystem.IsLinux() && !SqliteWriterTurns.HasPrecedence)
            Log.WriterWithoutPrecedence(log);
    }
}
