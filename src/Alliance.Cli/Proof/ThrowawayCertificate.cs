using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Alliance.Cli.Proof;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, valid for two days, made for one proof run: the web server
/// serves HTTPS with it, and the proof's clients trust exactly this certificate and nothing else.
/// </summary>
internal sealed class ThrowawayCertificate
{
    private readonly byte[] _hash;

    private ThrowawayCertificate(string path, string password, byte[] hash)
    {
        Path = path;
        Password = password;
        _hash = hash;
    }

    /// <summary>The PKCS#12 file the server loads.</summary>
    public string Path { get; }

    /// <summary>The file's password (random, for this run only).</summary>
    public string Password { get; }

    /// <summary>Writes a new certificate into the folder.</summary>
    public static ThrowawayCertificate Create(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Alliance proof (throwaway)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, "proof-https.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return new ThrowawayCertificate(path, password, certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>An HTTP handler that trusts this certificate only; with a cookie container when the client signs in or posts forms.</summary>
    public SocketsHttpHandler Handler(bool cookies, int maxConnections = 16) => new()
    {
        UseCookies = cookies,
        CookieContainer = new CookieContainer(),
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => IsThis(certificate) },
    };

    private bool IsThis(X509Certificate? certificate) =>
        certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), _hash);
}
