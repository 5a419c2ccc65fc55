using System.Runtime.InteropServices;

namespace Alliance.Data;

/// <summary>
/// Gives the calling thread precedence over the process's other threads on Linux: a lower nice value
/// (<see cref="Nice"/>). The SQLite writer's thread takes it: every answer and every other write waits for that one
/// thread, and under load it waited for the CPU behind the request threads (seven of them runnable on two cores): in a
/// load run it ran 1.45 s and waited to run 3.15 s in five, and the answers' median was 760 ms; with precedence, 66 ms
/// (docs/performance.md). Lowering a nice value needs the right to (root, <c>CAP_SYS_NICE</c>, or a nice limit such as
/// systemd's <c>LimitNICE=-10</c>); without it, or on another system, the thread keeps its place and this says so.
/// </summary>
public static class WriterPrecedence
{
    /// <summary>The nice value asked for: above the default 0 of every other thread.</summary>
    public const int Nice = -10;

    private const int PrioProcess = 0;

    /// <summary>Asks for <see cref="Nice"/> for the calling thread; true when it was given.</summary>
    public static bool TryTake() => TrySet(Nice);

    /// <summary>Gives the calling thread's precedence back (nice 0, which a thread may always return to); true when done.</summary>
    public static bool Release() => TrySet(0);

    private static bool TrySet(int nice)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // PRIO_PROCESS with a thread's id sets that thread's nice value alone.
            return SetPriority(PrioProcess, GetThreadId(), nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The calling thread's nice value on Linux; null elsewhere.</summary>
    public static int? Current()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            Marshal.SetLastPInvokeError(0);
            var nice = GetPriority(PrioProcess, GetThreadId());
            return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? null : nice;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // DllImport rather than LibraryImport: integers need no marshalling, and LibraryImport would make the assembly allow
    // unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetThreadId();
#pragma warning restore SYSLIB1054
}
