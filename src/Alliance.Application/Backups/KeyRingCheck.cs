using System.Security.Cryptography;
using Alliance.Application.Security;
using Alliance.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Application.Backups;

/// <summary>What the key-encryption key in place makes of a database's key ring.</summary>
/// <param name="KeyEncryptionKeyPath">Where the app would take the key-encryption key from.</param>
/// <param name="KeyFileFound">False when there is no file there.</param>
/// <param name="Keys">The keys in the database's key ring.</param>
/// <param name="Unlocked">How many of them that key-encryption key decrypts.</param>
/// <param name="Problem">Why the key file could not be used, if it could not.</param>
public sealed record KeyRingStatus(string KeyEncryptionKeyPath, bool KeyFileFound, int Keys, int Unlocked, string? Problem = null)
{
    /// <summary>True when the notes protected by this key ring can be read with the key-encryption key in place.</summary>
    public bool AllUnlocked => KeyFileFound && Problem is null && Unlocked == Keys;
}

/// <summary>
/// After a restore: does the key-encryption key the app would use unlock the restored key ring? Only reads: it never
/// creates a key file or a key (the app's first start would create a key file where none is, and notes protected
/// under the old one would stay unreadable until it is put back).
/// </summary>
public static class KeyRingCheck
{
    /// <summary>Reads the key ring of <paramref name="database"/> with the key-encryption key that the same settings name.</summary>
    public static KeyRingStatus Check(DatabaseSettings database, IConfiguration configuration, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(configuration);
        database = BackupAudit.Unpooled(database);
        var configured = configuration["DataProtection:CertificatePath"];
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(KeyProtection.KeysFolder(configuration, dataFolder), KeyProtection.DefaultFileName)
            : configured);
        if (!File.Exists(path))
        {
            var options = new DbContextOptionsBuilder<AllianceDbContext>();
            database.Apply(options);
            using var db = AllianceDbContext.Create(options.Options, FixedTenant.Operator);
            return new KeyRingStatus(path, false, db.DataProtectionKeys.Count(), 0);
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITenantContext>(FixedTenant.Operator);
        services.AddAllianceDbContext((_, o) => database.Apply(o));
        try
        {
            services.AddAllianceDataProtection(configuration, dataFolder);
        }
        catch (CryptographicException e)
        {
            return new KeyRingStatus(path, true, 0, 0, $"the key file cannot be opened ({e.Message}); check DataProtection:CertificatePassword");
        }
        using var provider = services.BuildServiceProvider();
        var keys = provider.GetRequiredService<IKeyManager>().GetAllKeys();
        var unlocked = 0;
        foreach (var key in keys)
        {
            try
            {
                _ = key.Descriptor;
                unlocked++;
            }
            catch (CryptographicException)
            {
                // Protected under another key-encryption key.
            }
        }
        return new KeyRingStatus(path, true, keys.Count, unlocked);
    }
}
