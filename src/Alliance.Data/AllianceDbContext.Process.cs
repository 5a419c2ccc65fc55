using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data;

public sealed partial class AllianceDbContext
{
    public DbSet<OrientationText> OrientationTexts => Set<OrientationText>();
    public DbSet<MemberAgreement> MemberAgreements => Set<MemberAgreement>();
    public DbSet<ProcessOverride> ProcessOverrides => Set<ProcessOverride>();
    public DbSet<Goal> Goals => Set<Goal>();
    public DbSet<Review> Reviews => Set<Review>();
    public DbSet<MemberOutcome> MemberOutcomes => Set<MemberOutcome>();
}
