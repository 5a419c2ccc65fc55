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
internal sealed class NativeMemoryTrim : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Trim()) return;
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
#pragma warning restore SYSLIB1054
}
