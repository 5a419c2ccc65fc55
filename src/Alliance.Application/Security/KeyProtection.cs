using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Alliance.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Application.Security;

/// <summary>Where the key-encryption key came from.</summary>
public sealed record KeyEncryptionKey(string Path, bool CreatedNow);

/// <summary>
/// Data Protection for Alliance: the key ring lives in the database, so every web node and the command line
/// share it; each key in it is encrypted with a key-encryption certificate kept OUTSIDE the database
/// (<c>DataProtection:CertificatePath</c>, else <c>keys/alliance-key-encryption.pfx</c> beside the data folder,
/// created at first start). A database backup without that file cannot decrypt a single note.
/// </summary>
public static class KeyProtection
{
    /// <summary>The file name of a generated key-encryption certificate.</summary>
    public const string DefaultFileName = "alliance-key-encryption.pfx";

    /// <summary>Registers Data Protection and the sensitive-text protector; returns the key-encryption key in use.</summary>
    public static KeyEncryptionKey AddAllianceDataProtection(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (certificate, key) = LoadOrCreate(configuration, dataFolder);
        services.AddDataProtection()
            .SetApplicationName("Alliance")
            .PersistKeysToDbContext<AllianceDbContext>()
            .ProtectKeysWithCertificate(certificate)
            .UnprotectKeysWithAnyCertificate([certificate, .. PreviousCertificates(configuration)]);
        services.AddSingleton<ISensitiveTextProtector, DataProtectionTextProtector>();
        return key;
    }

    /// <summary>The keys folder: <c>--keys DIR</c> or <c>ALLIANCE_KEYS</c>, else <c>keys</c> beside the data folder.</summary>
    public static string KeysFolder(IConfiguration configuration, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var folder = configuration["keys"];
        if (string.IsNullOrWhiteSpace(folder)) folder = Environment.GetEnvironmentVariable("ALLIANCE_KEYS");
        if (string.IsNullOrWhiteSpace(folder))
            folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataFolder).TrimEnd(Path.DirectorySeparatorChar)) ?? ".", "keys");
        return Path.GetFullPath(folder);
    }

    private static (X509Certificate2, KeyEncryptionKey) LoadOrCreate(IConfiguration configuration, string dataFolder)
    {
        var password = configuration["DataProtection:CertificatePassword"];
        var configured = configuration["DataProtection:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!File.Exists(configured))
                throw new InvalidOperationException($"DataProtection:CertificatePath points to {configured}, which does not exist. Without it no note can be read.");
            return (Load(configured, password), new KeyEncryptionKey(Path.GetFullPath(configured), false));
        }

        var folder = KeysFolder(configuration, dataFolder);
        var path = Path.Combine(folder, DefaultFileName);
        if (File.Exists(path)) return (Load(path, password), new KeyEncryptionKey(path, false));

        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Alliance key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
        var bytes = created.Export(X509ContentType.Pfx, password);
        try
        {
            // CreateNew: when two processes start at once, one writes and the other reads what it wrote.
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                file.Write(bytes);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return (Load(path, password), new KeyEncryptionKey(path, true));
        }
        catch (IOException) when (File.Exists(path))
        {
            Thread.Sleep(200);
            return (Load(path, password), new KeyEncryptionKey(path, false));
        }
    }

    private static IEnumerable<X509Certificate2> PreviousCertificates(IConfiguration configuration)
    {
        // Key rotation: a retired certificate stays listed here until every key it protects has expired.
        foreach (var child in configuration.GetSection("DataProtection:PreviousCertificates").GetChildren())
            if (child["Path"] is { Length: > 0 } path)
                yield return Load(path, child["Password"]);
    }

    private static X509Certificate2 Load(string path, string? password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
}

/// <summary>Encrypts sensitive text with Data Protection. Stored values carry a prefix so older plain values still read.</summary>
internal sealed class DataProtectionTextProtector(IDataProtectionProvider provider) : ISensitiveTextProtector
{
    private const string Prefix = "dp1:";
    private IDataProtector? _protector;

    private IDataProtector Protector => _protector ??= provider.CreateProtector("Alliance.SensitiveText.v1");

    public string Protect(string plaintext) => Prefix + Protector.Protect(plaintext);

    public string Unprotect(string stored) =>
        stored.StartsWith(Prefix, StringComparison.Ordinal) ? Protector.Unprotect(stored[Prefix.Length..]) : stored;
}
