using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Alliance.Web.Tests;

/// <summary>
/// The real app on Kestrel at a free loopback port, with the demo agency in a temporary data folder:
/// what a browser talks to. Development environment, so that it serves plain HTTP on loopback.
/// </summary>
public sealed class LiveServer : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-live-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = AllianceApp.Build([
            "--urls", "http://127.0.0.1:0",
            "--environment", "Development",
            "--contentRoot", WebProjectFolder(),
            "--applicationName", typeof(AllianceApp).Assembly.GetName().Name!,
            "--data", _folder,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _app.InitializeAsync();
        await _app.StartAsync();
        Address = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>src/Alliance.Web, found by walking up from the test's output folder.</summary>
    private static string WebProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Alliance.Web");
            if (Directory.Exists(Path.Combine(candidate, "wwwroot"))) return candidate;
        }
        throw new DirectoryNotFoundException("src/Alliance.Web not found above " + AppContext.BaseDirectory);
    }
}
