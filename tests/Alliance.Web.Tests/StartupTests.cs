using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Alliance.Web.Tests;

[Trait("Capability", "Foundation")]
public sealed class StartupTests
{
    [Theory]
    [InlineData("Oracle")]
    [InlineData("sqlserver")]
    public void AnUnknownDatabaseProviderStopsTheStartWithAClearMessage(string provider)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("data", Path.Combine(Path.GetTempPath(), "alliance-bad-" + Guid.NewGuid().ToString("N")));
            b.UseSetting("Database:Provider", provider);
        });
        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains($"Database:Provider '{provider}' is not known", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite", error.Message, StringComparison.Ordinal);
        Assert.Contains("Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopmentTheDemoIsNotSeededWithoutTheFlag()
    {
        var folder = Path.Combine(Path.GetTempPath(), "alliance-nodemo-" + Guid.NewGuid().ToString("N"));
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("data", folder);
        });
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var html = await client.GetStringAsync("/account/sign-in");
        Assert.DoesNotContain("harbourlight", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "alliance.db")), "the SQLite database is created in the data folder");
    }
}
