namespace Alliance.Domain;

/// <summary>What a review decided about the work.</summary>
public enum ReviewDecision
{
    /// <summary>Carry on as planned.</summary>
    Continue,
    /// <summary>Carry on, changing the approach.</summary>
    ChangeApproach,
    /// <summary>Plan an ending.</summary>
    PlanEnding,
}

/// <summary>How an episode ended, read from the scores, or how it ended without them.</summary>
public enum EpisodeOutcome
{
    /// <summary>Every member measured moved reliably from the clinical range to outside it.</summary>
    Recovered,
    /// <summary>At least one member improved reliably and nobody deteriorated.</summary>
    ReliablyImproved,
    /// <summary>Nobody's scores changed reliably.</summary>
    NoReliableChange,
    /// <summary>At least one member's scores worsened reliably.</summary>
    Deteriorated,
    /// <summary>The family stopped coming before a planned ending.</summary>
    DroppedOut,
    /// <summary>No member has two outcome scores to compare.</summary>
    NotMeasured,
    /// <summary>The referral never became a first visit.</summary>
    NeverStarted,
}

/// <summary>One member's change on one outcome questionnaire over an episode.</summary>
public enum ChangeOutcome
{
    /// <summary>A reliable improvement from the clinical range to outside it.</summary>
    Recovered,
    /// <summary>A reliable improvement.</summary>
    ReliablyImproved,
    /// <summary>No reliable change.</summary>
    NoReliableChange,
    /// <summary>A reliable worsening.</summary>
    Deteriorated,
}

/// <summary>A goal of the family for the episode, in their own words.</summary>
public sealed class Goal : EpisodeRecord
{
    /// <inheritdoc/>
    protected override string RecordType => "goal";

    /// <summary>Longest goal, in characters.</summary>
    public const int MaxLength = 300;

    private readonly List<GoalImportance> _importance = [];

    private Goal() { }

    internal Goal(Episode e, int position, string text, Guid by, DateTime now) : base(e)
    {
        Position = position;
        Text = RequireText(text);
        CreatedBy = by;
        CreatedAt = now;
    }

    /// <summary>1, 2, 3... in the order the family named them.</summary>
    public int Position { get; private set; }
    /// <summary>The goal in the family's words (sensitive).</summary>
    public string Text { get; private set; } = "";
    /// <summary>Who wrote it down.</summary>
    public Guid CreatedBy { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>How important it is to each member who said.</summary>
    public IReadOnlyList<GoalImportance> Importance => _importance;

    /// <summary>Records (or changes) how important the goal is to a member, from 1 (a little) to 5 (very).</summary>
    internal void SetImportance(Guid memberId, int importance, DateTime now)
    {
        if (importance is < 1 or > 5)
            throw new DomainRuleException("importance", "Importance is from 1 (a little) to 5 (very important).");
        var existing = _importance.Find(i => i.MemberId == memberId);
        if (existing is null) _importance.Add(new GoalImportance(this, memberId, importance, now));
        else existing.Change(importance, now);
    }

    internal static string RequireText(string text)
    {
        var t = text?.Trim() ?? "";
        if (t.Length is 0 or > MaxLength)
            throw new DomainRuleException("text", $"Write the goal as the family says it, in 1 to {MaxLength} characters.");
        return t;
    }
}

/// <summary>How important one goal is to one member.</summary>
public sealed class GoalImportance
{
    private GoalImportance() { }

    internal GoalImportance(Goal goal, Guid memberId, int importance, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = goal.AgencyId;
        GoalId = goal.Id;
        MemberId = memberId;
        Importance = importance;
        At = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The goal.</summary>
    public Guid GoalId { get; private set; }
    /// <summary>The member.</summary>
    public Guid MemberId { get; private set; }
    /// <summary>1 (a little) to 5 (very important).</summary>
    public int Importance { get; private set; }
    /// <summary>When last said (UTC).</summary>
    public DateTime At { get; private set; }

    internal void Change(int importance, DateTime now)
    {
        Importance = importance;
        At = now;
    }
}

/// <summary>A review of the work inside the active phase: progress on each goal and what to do next.</summary>
public sealed class Review : EpisodeRecord
{
    /// <inheritdoc/>
    protected override string RecordType => "review";

    private readonly List<GoalProgress> _progress = [];

    private Review() { }

    internal Review(Episode e, int afterSessions, ReviewDecision decision, string? note, Guid by, DateTime now) : base(e)
    {
        AfterSessions = afterSessions;
        Decision = decision;
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        By = by;
        At = now;
    }

    /// <summary>How many sessions had been held in the episode when it was reviewed.</summary>
    public int AfterSessions { get; private set; }
    /// <summary>What was decided.</summary>
    public ReviewDecision Decision { get; private set; }
    /// <summary>A short note (sensitive).</summary>
    public string? Note { get; private set; }
    /// <summary>Who reviewed.</summary>
    public Guid By { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime At { get; private set; }
    /// <summary>Progress on each goal.</summary>
    public IReadOnlyList<GoalProgress> Progress => _progress;

    internal void Add(Goal goal, int progress) => _progress.Add(new GoalProgress(this, goal.Id, progress));
}

/// <summary>Progress on one goal at a review, from 0 (not started) to 10 (fully reached).</summary>
public sealed class GoalProgress
{
    private GoalProgress() { }

    internal GoalProgress(Review review, Guid goalId, int progress)
    {
        Id = Guid.NewGuid();
        AgencyId = review.AgencyId;
        ReviewId = review.Id;
        GoalId = goalId;
        Progress = progress;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The review.</summary>
    public Guid ReviewId { get; private set; }
    /// <summary>The goal.</summary>
    public Guid GoalId { get; private set; }
    /// <summary>0 (not started) to 10 (fully reached).</summary>
    public int Progress { get; private set; }
}

/// <summary>One member's change on one outcome questionnaire from the first to the last score of a closed episode.</summary>
public sealed class MemberOutcome
{
    private MemberOutcome() { }

    /// <summary>Records a member's change.</summary>
    public MemberOutcome(Guid memberId, string instrumentId, decimal firstScore, decimal lastScore, int ratings, ChangeOutcome outcome)
    {
        Id = Guid.NewGuid();
        MemberId = memberId;
        InstrumentId = instrumentId;
        FirstScore = firstScore;
        LastScore = lastScore;
        Ratings = ratings;
        Outcome = outcome;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The episode.</summary>
    public Guid EpisodeId { get; private set; }
    /// <summary>The member.</summary>
    public Guid MemberId { get; private set; }
    /// <summary>The outcome questionnaire.</summary>
    public string InstrumentId { get; private set; } = "";
    /// <summary>The first score in the episode.</summary>
    public decimal FirstScore { get; private set; }
    /// <summary>The last score in the episode.</summary>
    public decimal LastScore { get; private set; }
    /// <summary>How many scores lie between them, both included.</summary>
    public int Ratings { get; private set; }
    /// <summary>The change, read with the questionnaire's reliable change and cutoff.</summary>
    public ChangeOutcome Outcome { get; private set; }

    internal void Attach(Episode e)
    {
        AgencyId = e.AgencyId;
        EpisodeId = e.Id;
    }
}
