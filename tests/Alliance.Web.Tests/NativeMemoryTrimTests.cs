using System.Globalization;
using System.Runtime.InteropServices;
using Alliance.Web.Hosting;

namespace Alliance.Web.Tests;

/// <summary>The server gives the C library's free memory back to the system (Linux with glibc).</summary>
[Trait("Capability", "Proof")]
public sealed class NativeMemoryTrimTests
{
    [Fact]
    public void MemoryFreedInTheMiddleOfTheCLibrarysHeapLeavesTheResidentSetWhenTrimmed()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(NativeMemoryTrim.Trim());
            return;
        }

        // 64 MB in blocks of 16 KB (below glibc's threshold for a mapping of their own), each written to, then all freed
        // but every sixteenth: the free runs lie between blocks still in use, where freeing alone returns nothing.
        const int BlockSize = 16 * 1024, Blocks = 4096;
        var blocks = new nint[Blocks];
        for (var i = 0; i < Blocks; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockSize);
            for (var offset = 0; offset < BlockSize; offset += 4096) Marshal.WriteByte(blocks[i], offset, 1);
        }
        try
        {
            for (var i = 0; i < Blocks; i++)
                if (i % 16 != 0) Marshal.FreeHGlobal(blocks[i]);
            var before = ResidentAnonymousKb();

            Assert.True(NativeMemoryTrim.Trim());

            // Most of the 60 MB freed leaves the resident set.
            Assert.True(before - ResidentAnonymousKb() > 30 * 1024, $"resident anonymous memory went from {before} kB to {ResidentAnonymousKb()} kB");
        }
        finally
        {
            for (var i = 0; i < Blocks; i += 16) Marshal.FreeHGlobal(blocks[i]);
        }
    }

    private static long ResidentAnonymousKb()
    {
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line["RssAnon:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
    }
}
