using Alliance.Application.Feedback;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Boundaries;

/// <summary>A record, or a family, the actor may not see or that does not exist: the web answers 404 for both.</summary>
public sealed class RecordNotFoundException : Exception
{
    public RecordNotFoundException() : base("Not found.") { }
    public RecordNotFoundException(string message) : base(message) { }
    public RecordNotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A contact to record: the time is UTC; the member is null for the whole family.</summary>
public sealed record RecordContactCommand(Guid CaseId, Guid? MemberId, DateTime At, ContactMeans? Channel, ContactStartedBy InitiatedBy, int? Minutes, string? Summary);

/// <summary>A contact as the log shows it.</summary>
public sealed record ContactView(Guid Id, Guid CaseId, Guid? MemberId, string? MemberName, DateTime At, string Channel, bool Personal,
    string InitiatedBy, int? Minutes, string? Summary, string RecordedBy, bool Imported);

/// <summary>
/// The log of contacts with a family between sessions. Recording one evaluates the family's alerts at once, so a contact
/// on a personal channel or out of hours shows as an alert in the same moment, saved in the same transaction.
/// </summary>
public sealed class ContactLog(AllianceDbContext db, CaseFeedback feedback, TimeProvider clock)
{
    /// <summary>The most contacts the family's log lists.</summary>
    public const int ContactsShown = 500;

    /// <summary>A family's contacts since a time (read at every evaluation of the family's feedback; compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, DateTime, IAsyncEnumerable<Contact>>> Since =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId, DateTime since) =>
            db.Contacts.AsNoTracking().Where(c => c.CaseId == caseId && c.At >= since)));

    /// <summary>A family's latest contacts, newest first (read for every case page; compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, IAsyncEnumerable<Contact>>> Latest =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId) =>
            db.Contacts.AsNoTracking().Where(c => c.CaseId == caseId).OrderByDescending(c => c.At).Take(ContactsShown)));

    /// <summary>Records a contact on a family the actor works with (not through break-the-glass).</summary>
    public async Task<Guid> RecordAsync(Actor actor, RecordContactCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var family = await db.VisibleCases(actor, CasePurpose.Write).Include(c => c.Members)
            .SingleOrDefaultAsync(c => c.Id == command.CaseId, ct).ConfigureAwait(false) ?? throw new RecordNotFoundException();
        if (command.Channel is not { } means)
            throw new DomainRuleException("channel", "Give the channel as agency-phone, agency-email, agency-message, personal-phone, personal-email, personal-message, social-media or in-person-outside.");
        var contact = new Contact(family, command.MemberId, DateTime.SpecifyKind(command.At, DateTimeKind.Utc), means, command.InitiatedBy,
            command.Minutes, command.Summary, actor.StaffId, clock.GetUtcNow().UtcDateTime);
        db.Contacts.Add(contact);
        await feedback.EvaluateAndSaveAsync(family.Id, ct).ConfigureAwait(false);
        return contact.Id;
    }

    /// <summary>The family's contacts, newest first.</summary>
    public async Task<IReadOnlyList<ContactView>> ListAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var family = await db.VisibleCases(actor).Include(c => c.Members).AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == caseId, ct).ConfigureAwait(false) ?? throw new RecordNotFoundException();
        return await ListAsync(family, ct).ConfigureAwait(false);
    }

    /// <summary>The contacts of a family the caller has read through the care relationship, with its members, newest first.</summary>
    public async Task<IReadOnlyList<ContactView>> ListAsync(Case family, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(family);
        var caseId = family.Id;
        var contacts = await Latest.For(db)(db, caseId).ToListAsync(ct).ConfigureAwait(false);
        var staff = await db.StaffNamesAsync(family.AgencyId, contacts.Select(c => c.RecordedBy), ct).ConfigureAwait(false);
        var names = family.Members.ToDictionary(m => m.Id, m => m.DisplayName);
        return contacts.Select(c => new ContactView(c.Id, c.CaseId, c.MemberId, c.MemberId is { } m ? names.GetValueOrDefault(m) : null, c.At,
            ContactWords.Word(c.Means), c.Means.IsPersonal(), c.StartedBy == ContactStartedBy.Therapist ? "therapist" : "family",
            c.Minutes, c.Summary, staff.GetValueOrDefault(c.RecordedBy, "—"), c.Imported)).ToList();
    }

    /// <summary>The case's contacts since a time, including those added to the context and not saved yet.</summary>
    public static async Task<IReadOnlyList<Contact>> EpisodeContactsAsync(AllianceDbContext db, Guid caseId, DateTime since, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await Since.For(db)(db, caseId, since).ToListAsync(ct).ConfigureAwait(false);
        var pending = db.ChangeTracker.Entries<Contact>()
            .Where(e => e.State == EntityState.Added && e.Entity.CaseId == caseId && e.Entity.At >= since).Select(e => e.Entity);
        return stored.Concat(pending).OrderBy(c => c.At).ToList();
    }
}
