using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Data;

// The guided process: orientation texts and agreements, goals and reviews, and the outcome recorded at closing.

internal sealed class EpisodeProcessConfiguration : IEntityTypeConfiguration<Episode>
{
    public void Configure(EntityTypeBuilder<Episode> b)
    {
        b.Property(e => e.SecretsPolicy).HasConversion<string>().HasMaxLength(24);
        b.Property(e => e.SecretsRule).HasMaxLength(1000);
        b.Property(e => e.YoungPersonSharing).HasConversion<string>().HasMaxLength(24);
        b.Property(e => e.RelapsePlan).IsSensitive();
        b.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(24);
        b.Property(e => e.ClosingSummary).IsSensitive();
        b.HasMany(e => e.Agreements).WithOne().HasForeignKey(a => a.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(e => e.Overrides).WithOne().HasForeignKey(o => o.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(e => e.Goals).WithOne().HasForeignKey(g => g.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(e => e.Reviews).WithOne().HasForeignKey(r => r.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(e => e.MemberOutcomes).WithOne().HasForeignKey(o => o.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Agreements).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(e => e.Overrides).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(e => e.Goals).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(e => e.Reviews).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(e => e.MemberOutcomes).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class OrientationTextConfiguration : IEntityTypeConfiguration<OrientationText>
{
    public void Configure(EntityTypeBuilder<OrientationText> b)
    {
        b.ToTable("orientation_texts");
        foreach (var part in new[] { nameof(OrientationText.Expectations), nameof(OrientationText.Responsibilities), nameof(OrientationText.Roles),
                     nameof(OrientationText.Confidentiality), nameof(OrientationText.MeasuresAndFeedback), nameof(OrientationText.ChildWords) })
            b.Property<string>(part).HasMaxLength(OrientationText.MaxLength);
        b.Ignore(t => t.Parts);
        b.HasIndex(t => new { t.AgencyId, t.Version }).IsUnique();
        b.HasOne<Agency>().WithMany().HasForeignKey(t => t.AgencyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MemberAgreementConfiguration : IEntityTypeConfiguration<MemberAgreement>
{
    public void Configure(EntityTypeBuilder<MemberAgreement> b)
    {
        b.ToTable("member_agreements");
        b.Property(a => a.Form).HasConversion<string>().HasMaxLength(24);
        b.HasIndex(a => new { a.AgencyId, a.EpisodeId, a.MemberId });
        b.HasOne<Member>().WithMany().HasForeignKey(a => a.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ProcessOverrideConfiguration : IEntityTypeConfiguration<ProcessOverride>
{
    public void Configure(EntityTypeBuilder<ProcessOverride> b)
    {
        b.ToTable("process_overrides");
        b.Property(o => o.Scope).HasConversion<string>().HasMaxLength(24);
        b.Property(o => o.Reason).HasMaxLength(500);
        b.HasIndex(o => new { o.AgencyId, o.EpisodeId });
    }
}

internal sealed class GoalConfiguration : IEntityTypeConfiguration<Goal>
{
    public void Configure(EntityTypeBuilder<Goal> b)
    {
        b.ToTable("goals");
        b.Property<string?>(nameof(Goal.Text)).IsSensitive();
        b.HasIndex(g => new { g.AgencyId, g.EpisodeId });
        b.HasMany(g => g.Importance).WithOne().HasForeignKey(i => i.GoalId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(g => g.Importance).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class GoalImportanceConfiguration : IEntityTypeConfiguration<GoalImportance>
{
    public void Configure(EntityTypeBuilder<GoalImportance> b)
    {
        b.ToTable("goal_importance");
        b.HasIndex(i => new { i.AgencyId, i.GoalId, i.MemberId }).IsUnique();
        b.HasOne<Member>().WithMany().HasForeignKey(i => i.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReviewConfiguration : IEntityTypeConfiguration<Review>
{
    public void Configure(EntityTypeBuilder<Review> b)
    {
        b.ToTable("reviews");
        b.Property(r => r.Decision).HasConversion<string>().HasMaxLength(24);
        b.Property(r => r.Note).IsSensitive();
        b.HasIndex(r => new { r.AgencyId, r.EpisodeId });
        b.HasMany(r => r.Progress).WithOne().HasForeignKey(p => p.ReviewId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Progress).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class GoalProgressConfiguration : IEntityTypeConfiguration<GoalProgress>
{
    public void Configure(EntityTypeBuilder<GoalProgress> b)
    {
        b.ToTable("goal_progress");
        b.HasIndex(p => new { p.AgencyId, p.ReviewId });
        b.HasOne<Goal>().WithMany().HasForeignKey(p => p.GoalId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MemberOutcomeConfiguration : IEntityTypeConfiguration<MemberOutcome>
{
    public void Configure(EntityTypeBuilder<MemberOutcome> b)
    {
        b.ToTable("member_outcomes");
        b.Property(o => o.InstrumentId).HasMaxLength(100);
        b.Property(o => o.Outcome).HasConversion<string>().HasMaxLength(24);
        b.HasIndex(o => new { o.AgencyId, o.EpisodeId });
        b.HasOne<Member>().WithMany().HasForeignKey(o => o.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}
