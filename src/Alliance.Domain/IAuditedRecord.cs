namespace Alliance.Domain;

/// <summary>A record of client data: every read and write of it is audited under its type and id.</summary>
public interface IAuditedRecord
{
    /// <summary>The agency it belongs to.</summary>
    Guid AgencyId { get; }

    /// <summary>The kind of record, as the audit trail names it ("case", "member", "session"...).</summary>
    string AuditType { get; }

    /// <summary>The record's id.</summary>
    Guid AuditId { get; }

    /// <summary>The case it belongs to, so that "who looked at this family's record?" finds it.</summary>
    Guid? AuditCaseId { get; }
}
