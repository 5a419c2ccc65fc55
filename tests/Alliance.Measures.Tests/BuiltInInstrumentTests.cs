namespace Alliance.Measures.Tests;

[Trait("Capability", "Measures")]
public sealed class BuiltInInstrumentTests
{
    [Fact]
    public void EveryBuiltInLoads()
    {
        var all = InstrumentCatalog.BuiltIns;
        Assert.Equal(10, all.Count);
    }
}
