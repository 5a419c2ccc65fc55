using System.Runtime.InteropServices;

namespace Alliance.Web.Hosting;

/// <summary>
/// Gives the memory the C library holds free back to the system every two seconds (<c>malloc_trim</c>, Linux with
/// glibc). SQLite's page caches and statements, TLS and the JIT allocate and free through it from every thread, and
/// glibc keeps what is freed in the arenas where it was allocated: under load a server held about 100 MB of free
/// chunks beside 40 MB in use (counted with <c>malloc_info</c>), and a single trim took its resident memory down by
/// 95 MB. In the first seconds of load, while the JIT compiles the request paths, up to 85 MB of free chunks gathered
/// within ten seconds; every two seconds keeps that surge smaller (docs/performance.md, decision 0016).
/// Elsewhere (another C library, another system) it does nothing.
/// </summary>
internal sealed partial class NativeMemoryTrim(ILogger<NativeMemoryTrim> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>The most arenas the C library keeps (<see cref="LimitArenas"/>).</summary>
    internal const int Arenas = 2;

    private static bool arenasLimited;

    /// <summary>
    /// Limits the C library to <see cref="Arenas"/> arenas (<c>mallopt(M_ARENA_MAX)</c>), as <c>MALLOC_ARENA_MAX=2</c>
    /// would. glibc gives each thread that meets a busy arena one of its own, up to eight a core: under load the server
    /// had sixteen, whose free chunks no trim gives back while a chunk beside them is in use. With two, the server held
    /// 10 to 15 MB less and answered as many requests (docs/performance.md, decision 0018). The limit counts only while
    /// glibc has not yet set its own, at the process's first arenas: call it first thing.
    /// </summary>
    /// <returns>Whether glibc took the limit; false elsewhere.</returns>
    internal static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            arenasLimited = MallOpt(MallocArenaMax, Arenas) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            arenasLimited = false;
        }
        return arenasLimited;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Trim()) return;
        if (arenasLimited) Log.Limited(logger, Arenas, Interval.TotalSeconds);
        else Log.NotLimited(logger, Interval.TotalSeconds);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) Trim();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>Returns the C library's free memory to the system; false where there is no glibc to ask.</summary>
    internal static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: one integer needs no marshalling, and LibraryImport would make the whole web
    // app allow unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    // M_ARENA_MAX in glibc's malloc.h.
    private const int MallocArenaMax = -8;

    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int parameter, int value);
#pragma warning restore SYSLIB1054

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "The C library keeps at most {Arenas} arenas and gives its free memory back every {Seconds} s.")]
        public static partial void Limited(ILogger logger, int arenas, double seconds);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The C library gives its free memory back every {Seconds} s; its arenas could not be limited (the process had started its allocator already).")]
        public static partial void NotLimited(ILogger logger, double seconds);
    }
}
