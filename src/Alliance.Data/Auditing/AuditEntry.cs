using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alliance.Data.Auditing;

/// <summary>Who did something to client data.</summary>
public enum AuditActorKind
{
    /// <summary>A signed-in staff member.</summary>
    Staff,
    /// <summary>The command line, acting as operator of the database.</summary>
    Operator,
    /// <summary>A family member through a one-time link.</summary>
    Family,
    /// <summary>Alliance itself (scheduled work, start-up).</summary>
    System,
}

/// <summary>Who is acting, and from where, for the audit trail. Carries no client data.</summary>
public sealed record AuditActor(AuditActorKind Kind, Guid? Id, string Name, string? Origin)
{
    /// <summary>Alliance itself.</summary>
    public static AuditActor System { get; } = new(AuditActorKind.System, null, "Alliance", null);

    /// <summary>The command line run by a system user, optionally on behalf of a staff member.</summary>
    public static AuditActor Operator(string systemUser, Guid? onBehalfOfId = null, string? onBehalfOf = null) =>
        new(AuditActorKind.Operator, onBehalfOfId, onBehalfOf is null ? $"operator {systemUser}" : $"operator {systemUser} on behalf of {onBehalfOf}",
            $"cli:{systemUser}@{Environment.MachineName}");
}

/// <summary>What happened to a record.</summary>
public static class AuditActions
{
    public const string Read = "read";
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string BreakGlass = "break-glass";
    public const string Import = "import";
    public const string Export = "export";
}

/// <summary>An entry not yet appended to its agency's chain.</summary>
public sealed record PendingAudit(Guid AgencyId, AuditActor Actor, string Action, string RecordType, string RecordId, Guid? CaseId, DateTime At, string? Reason = null);

/// <summary>
/// One entry of an agency's append-only audit trail. Entries are numbered 1, 2, 3... per agency, and each
/// carries the SHA-256 of its own contents and of the entry before it, so a changed, removed or reordered
/// entry breaks the chain where it happened.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The hash the first entry of every chain points back to.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private AuditEntry() { }

    internal AuditEntry(PendingAudit pending, long sequence, string previousHash)
    {
        AgencyId = pending.AgencyId;
        Sequence = sequence;
        // Whole microseconds: what every provider stores exactly, so the hash recomputes the same after a round trip.
        At = new DateTime(pending.At.Ticks - pending.At.Ticks % 10, DateTimeKind.Utc);
        ActorKind = pending.Actor.Kind;
        ActorId = pending.Actor.Id;
        ActorName = Truncate(pending.Actor.Name, 200);
        Origin = pending.Actor.Origin is null ? null : Truncate(pending.Actor.Origin, 200);
        Action = pending.Action;
        RecordType = pending.RecordType;
        RecordId = pending.RecordId;
        CaseId = pending.CaseId;
        Reason = pending.Reason is null ? null : Truncate(pending.Reason, 500);
        PreviousHash = previousHash;
        Hash = ComputeHash();
    }

    public long Id { get; private set; }
    public Guid AgencyId { get; private set; }
    public long Sequence { get; private set; }
    public DateTime At { get; private set; }
    public AuditActorKind ActorKind { get; private set; }
    public Guid? ActorId { get; private set; }
    public string ActorName { get; private set; } = "";
    public string? Origin { get; private set; }
    public string Action { get; private set; } = "";
    public string RecordType { get; private set; } = "";
    public string RecordId { get; private set; } = "";
    public Guid? CaseId { get; private set; }
    public string? Reason { get; private set; }
    public string PreviousHash { get; private set; } = "";
    public string Hash { get; private set; } = "";

    /// <summary>The hash of this entry's contents and its predecessor's hash, as it should be.</summary>
    public string ComputeHash()
    {
        // Each field is length-prefixed, so no value can imitate a field boundary.
        var text = new StringBuilder();
        void Add(string? value) => text.Append(value?.Length.ToString(CultureInfo.InvariantCulture) ?? "-").Append(':').Append(value).Append('|');
        Add(AgencyId.ToString());
        Add(Sequence.ToString(CultureInfo.InvariantCulture));
        Add(DateTime.SpecifyKind(At, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture));
        Add(ActorKind.ToString());
        Add(ActorId?.ToString());
        Add(ActorName);
        Add(Origin);
        Add(Action);
        Add(RecordType);
        Add(RecordId);
        Add(CaseId?.ToString());
        Add(Reason);
        Add(PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>The end of an agency's chain: its last number and hash. Appenders lock it, so entries keep one order.</summary>
public sealed class AuditChainHead
{
    private AuditChainHead() { }

    internal AuditChainHead(Guid agencyId)
    {
        AgencyId = agencyId;
        LastHash = AuditEntry.Genesis;
    }

    public Guid AgencyId { get; private set; }
    public long LastSequence { get; private set; }
    public string LastHash { get; private set; } = AuditEntry.Genesis;

    internal void Advance(AuditEntry entry)
    {
        LastSequence = entry.Sequence;
        LastHash = entry.Hash;
    }
}
