using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alliance.Application.Backups;

/// <summary>
/// What a backup file says about itself (<c>manifest.json</c> inside the file). A restore reads and checks it, and
/// the payload's SHA-256 against it, before it touches any database.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The value of <see cref="Format"/> in every Alliance backup.</summary>
    public const string FormatName = "alliance-backup";

    /// <summary>The layout this version writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>What <see cref="KeyEncryptionKey"/> says: the one thing a backup deliberately leaves out.</summary>
    public const string KeyEncryptionKeyNotice =
        "Not included. The Data Protection key ring is in this backup, but the key-encryption key (key file or certificate) " +
        "that protects it is not: keep it apart from database backups. Without it the encrypted notes cannot be read.";

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public required string Format { get; init; }

    /// <summary>The layout of the file; a restore refuses versions it does not know.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The engine the payload is for: a SQLite database file, or a <c>pg_dump</c> custom-format archive.</summary>
    public required DatabaseProvider Provider { get; init; }

    /// <summary>When the copy was taken (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The version of Alliance that wrote the file.</summary>
    public required string AllianceVersion { get; init; }

    /// <summary>The last database migration applied in the copy, if any.</summary>
    public string? Schema { get; init; }

    /// <summary>The payload's entry name inside the file.</summary>
    public required string PayloadName { get; init; }

    /// <summary>The payload's length in bytes.</summary>
    public required long PayloadLength { get; init; }

    /// <summary>SHA-256 of the payload, lower-case hexadecimal.</summary>
    public required string PayloadSha256 { get; init; }

    /// <summary>The number of rows in every table of the copy, by table name.</summary>
    public required IReadOnlyDictionary<string, long> RowCounts { get; init; }

    /// <summary>SQLite's <c>PRAGMA integrity_check</c> on the copy (<c>ok</c>); null for PostgreSQL.</summary>
    public string? IntegrityCheck { get; init; }

    /// <summary>A plain statement that the key-encryption key is not in the file.</summary>
    public string KeyEncryptionKey { get; init; } = KeyEncryptionKeyNotice;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // The manifest is a file for people to read, never embedded in HTML: "+" in a version stays "+".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };
}
