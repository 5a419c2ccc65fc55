using Alliance.Data.Auditing;
using Alliance.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Data;

// Every table that holds client data carries its agency, and its indexes start with it, so that the
// agency stays a usable shard key.

internal sealed class AgencyConfiguration : IEntityTypeConfiguration<Agency>
{
    public void Configure(EntityTypeBuilder<Agency> b)
    {
        b.ToTable("agencies");
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.TimeZoneId).HasMaxLength(64);
        b.Property(a => a.WorkingDays).HasConversion<int>();
        b.Property(a => a.CrisisContacts).HasMaxLength(2000);
    }
}

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(120);
        b.HasIndex(u => new { u.AgencyId, u.DisplayName });
        b.HasOne<Agency>().WithMany().HasForeignKey(u => u.AgencyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> b)
    {
        b.ToTable("cases");
        b.Property(c => c.Name).HasMaxLength(120);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasOne<Agency>().WithMany().HasForeignKey(c => c.AgencyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(c => c.PrimaryTherapistId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(c => c.CoTherapistId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.AgencyId, c.PrimaryTherapistId });
        b.HasIndex(c => new { c.AgencyId, c.CoTherapistId });
        b.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Episodes).WithOne(e => e.Case).HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Assignments).WithOne().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(c => c.Members).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(c => c.Episodes).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(c => c.Assignments).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> b)
    {
        b.ToTable("members");
        b.Property(m => m.DisplayName).HasMaxLength(80);
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(m => new { m.AgencyId, m.CaseId });
    }
}

internal sealed class EpisodeConfiguration : IEntityTypeConfiguration<Episode>
{
    public void Configure(EntityTypeBuilder<Episode> b)
    {
        b.ToTable("episodes");
        b.Property(e => e.Phase).HasConversion<string>().HasMaxLength(24);
        b.HasIndex(e => new { e.AgencyId, e.CaseId, e.Number }).IsUnique();
        b.HasMany(e => e.PhaseChanges).WithOne().HasForeignKey(p => p.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(e => e.Sessions).WithOne(s => s.Episode).HasForeignKey(s => s.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.PhaseChanges).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(e => e.Sessions).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PhaseChangeConfiguration : IEntityTypeConfiguration<PhaseChange>
{
    public void Configure(EntityTypeBuilder<PhaseChange> b)
    {
        b.ToTable("phase_changes");
        b.Property(p => p.From).HasConversion<string>().HasMaxLength(24);
        b.Property(p => p.To).HasConversion<string>().HasMaxLength(24);
        b.Property(p => p.Reason).HasMaxLength(500);
        b.HasIndex(p => new { p.AgencyId, p.EpisodeId });
    }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> b)
    {
        b.ToTable("sessions");
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Modality).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.StatusReason).HasMaxLength(500);
        b.Property(s => s.Notes).IsSensitive();
        b.HasIndex(s => new { s.AgencyId, s.CaseId, s.ScheduledStart });
        b.HasIndex(s => new { s.AgencyId, s.TherapistId, s.ScheduledStart });
        b.HasOne<Case>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.TherapistId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(s => s.Attendees).WithOne().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(s => s.Attendees).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class SessionAttendeeConfiguration : IEntityTypeConfiguration<SessionAttendee>
{
    public void Configure(EntityTypeBuilder<SessionAttendee> b)
    {
        b.ToTable("session_attendees");
        b.HasKey(a => new { a.SessionId, a.MemberId });
        b.HasIndex(a => new { a.AgencyId, a.MemberId });
        b.HasOne<Member>().WithMany().HasForeignKey(a => a.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CaseAssignmentConfiguration : IEntityTypeConfiguration<CaseAssignment>
{
    public void Configure(EntityTypeBuilder<CaseAssignment> b)
    {
        b.ToTable("case_assignments");
        b.Property(a => a.Reason).HasMaxLength(500);
        b.HasIndex(a => new { a.AgencyId, a.CaseId });
    }
}

internal sealed class SupervisionLineConfiguration : IEntityTypeConfiguration<SupervisionLine>
{
    public void Configure(EntityTypeBuilder<SupervisionLine> b)
    {
        b.ToTable("supervision_lines");
        b.HasIndex(l => new { l.AgencyId, l.SupervisorId });
        b.HasIndex(l => new { l.AgencyId, l.SuperviseeId });
        b.HasOne<StaffUser>().WithMany().HasForeignKey(l => l.SupervisorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(l => l.SuperviseeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PasswordSetupTokenConfiguration : IEntityTypeConfiguration<PasswordSetupToken>
{
    public void Configure(EntityTypeBuilder<PasswordSetupToken> b)
    {
        b.ToTable("password_setup_tokens");
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasOne<StaffUser>().WithMany().HasForeignKey(t => t.StaffId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.HasIndex(e => new { e.AgencyId, e.Sequence }).IsUnique();
        b.HasIndex(e => new { e.AgencyId, e.CaseId, e.At });
        b.Property(e => e.ActorKind).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Origin).HasMaxLength(200);
        b.Property(e => e.Action).HasMaxLength(32);
        b.Property(e => e.RecordType).HasMaxLength(32);
        b.Property(e => e.RecordId).HasMaxLength(64);
        b.Property(e => e.Reason).HasMaxLength(500);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
    }
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.ToTable("audit_chain_heads");
        b.HasKey(h => h.AgencyId);
        b.Property(h => h.LastHash).HasMaxLength(64);
    }
}

internal sealed class BreakGlassGrantConfiguration : IEntityTypeConfiguration<BreakGlassGrant>
{
    public void Configure(EntityTypeBuilder<BreakGlassGrant> b)
    {
        b.ToTable("break_glass_grants");
        b.Property(g => g.Reason).HasMaxLength(500);
        b.HasIndex(g => new { g.AgencyId, g.StaffId, g.ExpiresAt });
        b.HasOne<Case>().WithMany().HasForeignKey(g => g.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(g => g.StaffId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.Property(n => n.Kind).HasMaxLength(32);
        b.Property(n => n.Text).HasMaxLength(1000);
        b.HasIndex(n => new { n.AgencyId, n.RecipientId, n.ReadAt });
        b.HasOne<StaffUser>().WithMany().HasForeignKey(n => n.RecipientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResponseConfiguration : IEntityTypeConfiguration<Response>
{
    public void Configure(EntityTypeBuilder<Response> b)
    {
        b.ToTable("responses");
        b.Property(r => r.InstrumentId).HasMaxLength(64);
        b.Property(r => r.Rater).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Source).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Score).HasPrecision(9, 2);
        b.Property(r => r.UnscorableReason).HasMaxLength(500);
        b.Property(r => r.AnswersJson).IsSensitive();
        b.Property(r => r.CorrectionReason).HasMaxLength(500);
        b.Property(r => r.WithdrawalReason).HasMaxLength(500);
        b.HasIndex(r => new { r.AgencyId, r.CaseId, r.MemberId, r.InstrumentId });
        b.HasIndex(r => new { r.AgencyId, r.SessionId });
        b.HasOne<Session>().WithMany().HasForeignKey(r => r.SessionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QuestionnaireLinkConfiguration : IEntityTypeConfiguration<QuestionnaireLink>
{
    public void Configure(EntityTypeBuilder<QuestionnaireLink> b)
    {
        b.ToTable("questionnaire_links");
        b.Property(l => l.Instruments).HasMaxLength(1000);
        b.Property(l => l.TokenHash).HasMaxLength(64);
        b.HasIndex(l => l.TokenHash).IsUnique();
        b.HasIndex(l => new { l.AgencyId, l.SessionId });
        b.HasOne<Session>().WithMany().HasForeignKey(l => l.SessionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(l => l.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AgencyInstrumentConfiguration : IEntityTypeConfiguration<AgencyInstrument>
{
    public void Configure(EntityTypeBuilder<AgencyInstrument> b)
    {
        b.ToTable("agency_instruments");
        b.Property(i => i.InstrumentId).HasMaxLength(64);
        b.HasIndex(i => new { i.AgencyId, i.InstrumentId }).IsUnique();
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.ToTable("alerts");
        b.Property(a => a.Kind).HasMaxLength(32);
        b.Property(a => a.Severity).HasMaxLength(8);
        b.Property(a => a.Instrument).HasMaxLength(64);
        b.Property(a => a.Message).HasMaxLength(1000);
        b.Property(a => a.ConsiderNext).HasMaxLength(1000);
        b.Property(a => a.Key).HasMaxLength(300);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.ResolutionNote).HasMaxLength(1000);
        b.HasIndex(a => new { a.AgencyId, a.CaseId, a.Key }).IsUnique();
        b.HasIndex(a => new { a.AgencyId, a.Status, a.Severity, a.CreatedAt });
        b.HasOne<Case>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
