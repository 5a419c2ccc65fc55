using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data;

public sealed partial class AllianceDbContext
{
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<IncidentEntry> IncidentEntries => Set<IncidentEntry>();
    public DbSet<AssistanceRequest> AssistanceRequests => Set<AssistanceRequest>();
    public DbSet<SelfCheck> SelfChecks => Set<SelfCheck>();
    public DbSet<SelfCheckAnswer> SelfCheckAnswers => Set<SelfCheckAnswer>();
    public DbSet<BoundarySettings> BoundarySettings => Set<BoundarySettings>();
    public DbSet<ReferralField> ReferralFields => Set<ReferralField>();
    public DbSet<IntakeDecision> IntakeDecisions => Set<IntakeDecision>();
}
