using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Data;

// Boundary watch: contacts between sessions, incidents, requests for assistance, self-checks, intake decisions.

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.ToTable("contacts");
        b.Property(c => c.Means).HasConversion<string>().HasMaxLength(24);
        b.Property(c => c.StartedBy).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Summary).IsSensitive();
        b.HasIndex(c => new { c.AgencyId, c.CaseId, c.At });
        b.HasOne<Case>().WithMany().HasForeignKey(c => c.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Member>().WithMany().HasForeignKey(c => c.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.ToTable("incidents");
        b.Property(i => i.Category).HasConversion<string>().HasMaxLength(32);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Narrative).IsSensitive();
        b.HasIndex(i => new { i.AgencyId, i.Status, i.ReportedAt });
        b.HasIndex(i => new { i.AgencyId, i.CaseId });
        b.HasOne<Case>().WithMany().HasForeignKey(i => i.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(i => i.ConcernsStaffId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(i => i.Entries).WithOne().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.Navigation(i => i.Entries).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class IncidentEntryConfiguration : IEntityTypeConfiguration<IncidentEntry>
{
    public void Configure(EntityTypeBuilder<IncidentEntry> b)
    {
        b.ToTable("incident_entries");
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Text).IsSensitive();
        b.HasIndex(e => new { e.AgencyId, e.IncidentId, e.At });
    }
}

internal sealed class AssistanceRequestConfiguration : IEntityTypeConfiguration<AssistanceRequest>
{
    public void Configure(EntityTypeBuilder<AssistanceRequest> b)
    {
        b.ToTable("assistance_requests");
        b.Property(r => r.Text).IsSensitive();
        b.Property(r => r.Answer).IsSensitive();
        b.HasIndex(r => new { r.AgencyId, r.TherapistId, r.AskedAt });
        b.HasOne<Case>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(r => r.TherapistId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SelfCheckConfiguration : IEntityTypeConfiguration<SelfCheck>
{
    public void Configure(EntityTypeBuilder<SelfCheck> b)
    {
        b.ToTable("self_checks");
        b.HasIndex(s => new { s.AgencyId, s.TherapistId, s.Month }).IsUnique();
        b.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.TherapistId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(s => s.Answers).WithOne().HasForeignKey(a => a.SelfCheckId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(s => s.Answers).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class SelfCheckAnswerConfiguration : IEntityTypeConfiguration<SelfCheckAnswer>
{
    public void Configure(EntityTypeBuilder<SelfCheckAnswer> b)
    {
        b.ToTable("self_check_answers");
        b.Property(a => a.Note).IsSensitive();
        b.HasIndex(a => new { a.AgencyId, a.SelfCheckId, a.CaseId }).IsUnique();
        b.HasOne<Case>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BoundarySettingsConfiguration : IEntityTypeConfiguration<BoundarySettings>
{
    public void Configure(EntityTypeBuilder<BoundarySettings> b)
    {
        b.ToTable("boundary_settings");
        b.HasKey(s => s.AgencyId);
        b.Property(s => s.Alpha).HasPrecision(6, 4);
        b.Property(s => s.HoursShareRatio).HasPrecision(6, 2);
        b.Property(s => s.PhoneRegion).HasMaxLength(2).HasDefaultValue("GB");
        b.Property(s => s.OfficialContacts).HasMaxLength(BoundarySettings.OfficialContactsMax);
        b.HasOne<Agency>().WithMany().HasForeignKey(s => s.AgencyId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReferralFieldConfiguration : IEntityTypeConfiguration<ReferralField>
{
    public void Configure(EntityTypeBuilder<ReferralField> b)
    {
        b.ToTable("referral_fields");
        b.Property(a => a.Name).HasMaxLength(60);
        b.Property(a => a.Values).HasMaxLength(1300);
        b.HasIndex(a => new { a.AgencyId, a.Name });
    }
}

internal sealed class IntakeDecisionConfiguration : IEntityTypeConfiguration<IntakeDecision>
{
    public void Configure(EntityTypeBuilder<IntakeDecision> b)
    {
        b.ToTable("intake_decisions");
        b.Property(d => d.Referral).HasMaxLength(120);
        b.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.Reason).HasMaxLength(500);
        b.Property(d => d.AttributeValues).HasMaxLength(2000);
        b.HasIndex(d => new { d.AgencyId, d.TherapistId, d.DecidedAt });
        b.HasOne<StaffUser>().WithMany().HasForeignKey(d => d.TherapistId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Case>().WithMany().HasForeignKey(d => d.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}
