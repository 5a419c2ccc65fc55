using Alliance.Web.Hosting;

var app = AllianceApp.Build(args);
await app.InitializeAsync().ConfigureAwait(false);
await app.RunAsync().ConfigureAwait(false);

/// <summary>The web host's entry point (public so that tests can start it).</summary>
public partial class Program;
