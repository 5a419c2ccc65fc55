using System.Security.Cryptography;
using Alliance.Signals;
using Alliance.Spreadsheets;

namespace Alliance.Signals.Tests;

/// <summary>The synthetic agency: valid, deterministic, varied, and the same in memory as on disk.</summary>
[Trait("Capability", "Signals")]
public sealed class AgencyGeneratorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("alliance-generate-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void TheSameSeedWritesTheSameFolderAndAnotherSeedAnother()
    {
        var a = Write("a", 150, 42);
        var b = Write("b", 150, 42);
        var c = Write("c", 150, 43);
        foreach (var file in new[] { "members.csv", "sessions.csv", "scores.csv", "contacts.csv", "format.txt" })
        {
            Assert.Equal(Hash(a, file), Hash(b, file));
        }

        Assert.NotEqual(Hash(a, "scores.csv"), Hash(c, "scores.csv"));
    }

    [Fact]
    public void TheFolderIsValidAndHoldsEveryKindOfCourse()
    {
        var folder = Write("agency", 400, 7);
        var result = new SpreadsheetReader().ReadFolder(folder);
        Assert.True(result.IsValid, string.Join('\n', result.Problems.Take(10)));

        var counts = new SignalEngine().Evaluate(result.Caseload!).CountByKind();
        Assert.All(AlertKinds.All, kind => Assert.True(counts.GetValueOrDefault(kind) > 0, $"no {AlertKinds.Code(kind)} in a generated agency"));
    }

    [Fact]
    public void TheCaseloadInMemoryGivesTheSameAlertsAsTheFolder()
    {
        var generator = new AgencyGenerator(120, 11);
        var folder = Path.Combine(_root.FullName, "same");
        generator.WriteFolder(folder);
        var engine = new SignalEngine();
        var fromDisk = engine.Evaluate(new SpreadsheetReader().ReadFolder(folder).Caseload!).ToList();
        var inMemory = engine.Evaluate(generator.BuildCaseload()).ToList();
        Assert.Equal(fromDisk, inMemory);
    }

    [Fact]
    public void AFamilyIsTheSameWhateverTheSizeOfTheAgency()
    {
        var small = new AgencyGenerator(10, 5).BuildCaseload();
        var large = new AgencyGenerator(50, 5).BuildCaseload();
        Assert.Equal(small.Members[3].Id, large.Members[3].Id);
        Assert.Equal(small.Members[3].BirthYear, large.Members[3].BirthYear);
        Assert.Equal(small.Cases[9].SessionCount, large.Cases[9].SessionCount);
    }

    private string Write(string name, int families, ulong seed)
    {
        var folder = Path.Combine(_root.FullName, name);
        var size = new AgencyGenerator(families, seed).WriteFolder(folder);
        Assert.Equal(families, size.Families);
        return folder;
    }

    private static string Hash(string folder, string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, file))));
}
