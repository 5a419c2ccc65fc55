namespace Alliance.Signals.Engine;

/// <summary>An instrument's numbers as plain tenths, looked up by index in the hot loops.</summary>
internal struct CompiledInstrument
{
    public InstrumentRole Role;

    /// <summary>+1 when higher is better, -1 when lower is better: improvement is Sign * (later - earlier).</summary>
    public int Sign;

    public int Series;
    public int OrdinalRank;
    public bool HasCutoff;
    public int Cutoff;
    public int ChildCutoff;
    public bool HasReliableChange;
    public int ReliableChange;

    /// <summary>
    /// Not on track when the improvement (in tenths) is below this. For a whole number of tenths x and
    /// a limit L, x &lt; L exactly when x &lt; ceiling(L), so a fractional limit (a third of 5, say)
    /// is compared exactly with integers.
    /// </summary>
    public int NotOnTrackLimit;

    public readonly bool IsClinical(int score, bool child)
    {
        if (!HasCutoff)
        {
            return false;
        }

        var cutoff = child ? ChildCutoff : Cutoff;
        return Sign > 0 ? score < cutoff : score >= cutoff;
    }

    public readonly int CutoffFor(bool child) => child ? ChildCutoff : Cutoff;
}

/// <summary>
/// <see cref="SignalRules"/> prepared for one catalogue: every number in tenths or whole counts and
/// each instrument's thresholds in an array by catalogue index.
/// </summary>
internal sealed class CompiledRules
{
    public CompiledRules(SignalRules rules, InstrumentCatalogue catalogue, IExpectedTrajectory? trajectory)
    {
        rules.Validate();
        Rules = rules;
        Catalogue = catalogue;
        Trajectory = trajectory;
        Instruments = new CompiledInstrument[catalogue.Count];
        for (var i = 0; i < catalogue.Count; i++)
        {
            // The rules' catalogue holds the agency's numbers; an instrument it lacks keeps its own.
            var instrument = rules.Instruments.Find(catalogue[i].Id) ?? catalogue[i];
            var compiled = new CompiledInstrument
            {
                Role = catalogue[i].Role,
                Sign = catalogue[i].Better == BetterDirection.Higher ? 1 : -1,
                Series = catalogue.SeriesOf(i),
                OrdinalRank = catalogue.OrdinalRank(i),
                HasCutoff = instrument.Cutoff.HasValue,
                Cutoff = instrument.Cutoff?.Tenths ?? 0,
                ChildCutoff = (instrument.ChildCutoff ?? instrument.Cutoff)?.Tenths ?? 0,
                HasReliableChange = instrument.ReliableChange.HasValue,
                ReliableChange = instrument.ReliableChange?.Tenths ?? 0,
            };
            compiled.NotOnTrackLimit = (int)Math.Ceiling(rules.NotOnTrackFraction * compiled.ReliableChange);
            Instruments[i] = compiled;
        }

        RuptureDrop = rules.RuptureDrop.Tenths;
        RepairMargin = rules.RepairMargin.Tenths;
        SplitDifference = rules.SplitDifference.Tenths;
        var days = 0;
        foreach (var day in rules.WorkingHours.Days)
        {
            days |= 1 << (int)day;
        }

        WorkingDays = days;
        WorkStartMinute = (rules.WorkingHours.Start.Hour * 60) + rules.WorkingHours.Start.Minute;
        WorkEndMinute = (rules.WorkingHours.End.Hour * 60) + rules.WorkingHours.End.Minute;
    }

    public SignalRules Rules { get; }

    public InstrumentCatalogue Catalogue { get; }

    public IExpectedTrajectory? Trajectory { get; }

    public CompiledInstrument[] Instruments { get; }

    public int RuptureDrop { get; }

    public int RepairMargin { get; }

    public int SplitDifference { get; }

    public int WorkingDays { get; }

    public int WorkStartMinute { get; }

    public int WorkEndMinute { get; }
}
