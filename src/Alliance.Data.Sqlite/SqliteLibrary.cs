using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Alliance.Data.Sqlite;

/// <summary>
/// SQLite's settings for the whole process, made once before its first connection opens.
/// <para>
/// SQLite counts the memory it has allocated unless told not to, and the count is one mutex for the whole process,
/// taken at every allocation and every free. With several requests reading at once, their threads queued on it: under
/// load a third of the times a request's thread went to sleep, it slept on that mutex, and the core it left stood idle.
/// The count serves only SQLite's own memory statistics and its soft heap limit, neither of which Alliance uses, so it is
/// turned off.
/// </para>
/// </summary>
public static class SqliteLibrary
{
    private static readonly Lazy<bool> Prepared = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Whether SQLite's allocations go uncounted in this process: false when SQLite had already been started (by a
    /// connection opened before this was asked), which only costs speed.
    /// </summary>
    public static bool AllocationsUncounted => Prepared.Value;

    /// <summary>Makes the process-wide settings if SQLite has not started yet; harmless to call again.</summary>
    public static void Prepare() => _ = Prepared.Value;

    private static bool Configure()
    {
        // Microsoft.Data.Sqlite loads the native library in its connection's static constructor, without starting it.
        RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    }
}
