using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Alliance.Web.Tests;

/// <summary>
/// Every endpoint the app maps is found from its endpoint data source, so a new one is covered without anyone
/// remembering it. Anonymous access is allowed only on an explicit list; everything else refuses an anonymous caller.
/// </summary>
[Trait("Capability", "Foundation")]
public sealed class EndpointSecurityTests(AllianceWebFactory app, ITestOutputHelper output) : IClassFixture<AllianceWebFactory>
{
    /// <summary>The only routes open without signing in: sign-in and its companions, health, the status page, the API description.</summary>
    private static readonly HashSet<string> AnonymousAllowed = new(StringComparer.OrdinalIgnoreCase)
    {
        "account/sign-in",
        "account/sign-out",
        "account/denied",
        "account/set-password",
        "account/two-factor", // the second sign-in step, reached with Identity's short-lived two-factor cookie
        "status/{code:int}",
        "health",
        "openapi/{documentName}.json",
        "q/{token}", // a family member's one-time questionnaire link: the token is the key, failed look-ups are rate-limited
        "q/{token}/uncomfortable", // the same link's "tell us if something made you uncomfortable": writes a report, reads nothing back
    };

    private List<RouteEndpoint> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    [Fact]
    public void NoEndpointAllowsAnonymousAccessUnlessListed()
    {
        var endpoints = Endpoints();
        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints found");
        var open = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText!.Trim('/'))
            .Distinct()
            .ToList();
        output.WriteLine($"{endpoints.Count} endpoints, {open.Count} open without sign-in: {string.Join(", ", open)}");
        Assert.All(open, route => Assert.Contains(route, AnonymousAllowed));
    }

    [Fact]
    public async Task EveryOtherEndpointRefusesAnAnonymousCaller()
    {
        var client = app.Client();
        var checkedCount = 0;
        foreach (var endpoint in Endpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var path = "/" + Fill(endpoint.RoutePattern.RawText!.Trim('/'));
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is not "GET" and not "HEAD") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                var response = await client.SendAsync(request);
                if (path.StartsWith("/api", StringComparison.Ordinal) || path.StartsWith("/fhir", StringComparison.Ordinal))
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
                else
                {
                    // Pages send people to sign in (or refuse a form post without its token first).
                    Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"{method} {path} answered {(int)response.StatusCode}");
                    if (response.StatusCode == HttpStatusCode.Redirect)
                        Assert.Contains("/account/sign-in", response.Headers.Location!.ToString(), StringComparison.Ordinal);
                }
                checkedCount++;
            }
        }
        output.WriteLine($"{checkedCount} method-and-route pairs refused an anonymous caller");
        Assert.True(checkedCount > 20);
    }

    private static string Fill(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, "{([^}:]+)(:[^}]+)?}", m =>
        m.Groups[2].Value switch
        {
            ":guid" => Guid.NewGuid().ToString(),
            ":int" => "1",
            _ => "x",
        });
}
