using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Alliance.Application.Backups;

/// <summary>
/// The backup file: a zip archive holding <c>manifest.json</c> first, then one payload (<c>alliance.db</c>, a SQLite
/// database file, or <c>alliance.pgdump</c>, a <c>pg_dump</c> custom-format archive). Any zip tool can list it; the
/// manifest carries the payload's SHA-256 so that damage or changes are found before a restore touches anything.
/// </summary>
public static class BackupFile
{
    /// <summary>The manifest's entry name.</summary>
    public const string ManifestEntry = "manifest.json";

    /// <summary>Reads and checks the manifest of a backup file (not yet the payload's checksum).</summary>
    /// <exception cref="BackupException">The file is missing, not an Alliance backup, or of an unknown format version.</exception>
    public static BackupManifest ReadManifest(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new BackupException($"There is no backup file at {full}.");
        try
        {
            using var zip = ZipFile.OpenRead(full);
            var entry = zip.GetEntry(ManifestEntry)
                ?? throw new BackupException($"{full} is not an Alliance backup: it has no {ManifestEntry}.");
            BackupManifest? manifest;
            using (var stream = entry.Open())
                manifest = JsonSerializer.Deserialize<BackupManifest>(stream, BackupManifest.Json);
            if (manifest is null || manifest.Format != BackupManifest.FormatName)
                throw new BackupException($"{full} is not an Alliance backup: its manifest does not say '{BackupManifest.FormatName}'.");
            if (manifest.FormatVersion != BackupManifest.CurrentFormatVersion)
                throw new BackupException($"{full} has backup format version {manifest.FormatVersion}, which this version of Alliance does not read (it reads version {BackupManifest.CurrentFormatVersion}). Restore it with the version of Alliance that wrote it ({manifest.AllianceVersion}) or a newer one.");
            if (zip.GetEntry(manifest.PayloadName) is null || zip.Entries.Count != 2)
                throw new BackupException($"{full} is damaged or was changed: it should hold exactly {ManifestEntry} and {manifest.PayloadName}.");
            if (manifest.PayloadSha256.Length != 64)
                throw new BackupException($"{full} is damaged or was changed: its manifest has no valid SHA-256 for {manifest.PayloadName}.");
            return manifest;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or NotSupportedException)
        {
            throw new BackupException($"{full} is damaged or is not an Alliance backup ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Copies the payload to a new private file at <paramref name="destination"/>, checking its length and SHA-256
    /// against the manifest; on any mismatch the new file is deleted and the restore stops.
    /// </summary>
    internal static async Task ExtractPayloadAsync(string path, BackupManifest manifest, string destination, CancellationToken ct)
    {
        var ok = false;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.GetEntry(manifest.PayloadName)
                ?? throw new BackupException($"{path} is damaged or was changed: it has no {manifest.PayloadName}.");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var target = PrivateFile.CreateNew(destination))
            {
                await using var source = entry.Open();
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    length += read;
                    await target.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
                await target.FlushAsync(ct).ConfigureAwait(false);
                target.Flush(flushToDisk: true);
            }
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (length != manifest.PayloadLength || !string.Equals(actual, manifest.PayloadSha256, StringComparison.OrdinalIgnoreCase))
                throw new BackupException($"{path} is damaged or was changed: the SHA-256 of {manifest.PayloadName} does not match its manifest. Nothing was restored; use another copy of the backup.");
            ok = true;
        }
        catch (InvalidDataException e)
        {
            throw new BackupException($"{path} is damaged or was changed ({e.Message}). Nothing was restored; use another copy of the backup.", e);
        }
        finally
        {
            if (!ok) PrivateFile.TryDelete(destination);
        }
    }

    /// <summary>
    /// Writes the backup file: first to a private temporary file beside <paramref name="path"/>, flushed to disk,
    /// then (after <paramref name="beforePublish"/>) moved into place, so that a half-written backup never carries the final name.
    /// </summary>
    internal static async Task<BackupManifest> WriteAsync(string path, BackupManifest manifest, string payloadFile, CompressionLevel level, bool replace,
        Func<BackupManifest, Task> beforePublish, CancellationToken ct)
    {
        var (sha256, length) = await HashAsync(payloadFile, ct).ConfigureAwait(false);
        manifest = manifest with { PayloadLength = length, PayloadSha256 = sha256 };
        var temp = PrivateFile.TemporaryBeside(path, "partial");
        try
        {
            await using (var file = PrivateFile.CreateNew(temp))
            {
                using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
                {
                    await using (var stream = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open())
                        await JsonSerializer.SerializeAsync(stream, manifest, BackupManifest.Json, ct).ConfigureAwait(false);
                    await using (var stream = zip.CreateEntry(manifest.PayloadName, level).Open())
                    await using (var payload = File.OpenRead(payloadFile))
                        await payload.CopyToAsync(stream, ct).ConfigureAwait(false);
                }
                await file.FlushAsync(ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            await beforePublish(manifest).ConfigureAwait(false);
            File.Move(temp, path, overwrite: replace);
            return manifest;
        }
        finally
        {
            PrivateFile.TryDelete(temp);
        }
    }

    private static async Task<(string Sha256, long Length)> HashAsync(string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        var hash = await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false);
        return (Convert.ToHexStringLower(hash), stream.Length);
    }
}

/// <summary>Files that hold client data: readable and writable by their owner only.</summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a new file (never replacing one) that only its owner can read.</summary>
    public static FileStream CreateNew(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        return new FileStream(path, options);
    }

    /// <summary>A unique, hidden temporary name in the same folder as <paramref name="path"/>, so that a move is a rename.</summary>
    public static string TemporaryBeside(string path, string purpose) =>
        Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{purpose}-{Guid.NewGuid():N}.tmp");

    /// <summary>Gives <paramref name="path"/> the permissions of <paramref name="model"/> when it exists, else owner-only.</summary>
    public static void MatchPermissions(string path, string model)
    {
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(path, File.Exists(model) ? File.GetUnixFileMode(model) : OwnerOnly);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temporary file is named as such and holds nothing the real files do not.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
