using System.Globalization;

namespace Alliance.Application.Backups;

/// <summary>Checks shared by both providers' restores.</summary>
internal static class BackupChecks
{
    /// <summary>Every table the manifest counted must hold exactly as many rows in the restored copy.</summary>
    public static void RequireSameCounts(BackupManifest manifest, IReadOnlyDictionary<string, long> actual, string where)
    {
        var differences = manifest.RowCounts
            .Where(expected => !actual.TryGetValue(expected.Key, out var found) || found != expected.Value)
            .Select(expected => string.Create(CultureInfo.InvariantCulture,
                $"{expected.Key}: {expected.Value} expected, {(actual.TryGetValue(expected.Key, out var found) ? found.ToString(CultureInfo.InvariantCulture) : "table missing")}"))
            .ToList();
        if (differences.Count > 0)
            throw new BackupException($"The row counts in {where} do not match the backup's manifest ({string.Join("; ", differences)}).");
    }

    /// <summary>A backup whose schema this version of Alliance does not know was made by a newer version.</summary>
    public static void RequireKnownSchema(string? schema, IReadOnlySet<string> knownMigrations, string backupPath)
    {
        if (schema is null || knownMigrations.Count == 0 || knownMigrations.Contains(schema)) return;
        throw new BackupException($"{backupPath} was made by a newer version of Alliance (its database schema is at {schema}, which this version does not know). Nothing was restored; restore it with that version of Alliance or a newer one.");
    }
}
