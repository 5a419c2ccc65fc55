using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Data;

// Indexes for the questions asked on every page under load (see docs/performance.md, "Load").

/// <summary>
/// The agency's closed episodes are counted whenever a case page or a new score asks whether the expected
/// trajectories need fitting again: an index on the phase turns that count into a count of index entries.
/// </summary>
internal sealed class EpisodeLoadIndexes : IEntityTypeConfiguration<Episode>
{
    public void Configure(EntityTypeBuilder<Episode> b) => b.HasIndex(e => new { e.AgencyId, e.Phase });
}
