using System.Globalization;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Proof;

/// <summary>
/// Grows the demo agency to the size a load run asks for: families of two or three invented members, oriented and in
/// active work, thirty to a therapist, each therapist an account without a password (nobody signs in as them). The
/// demo's own therapists keep their caseloads, so the pages the load clients read stay the size a therapist sees; the
/// database around them is the size of a large agency, and the questionnaire links of a run spread over hundreds of
/// families instead of piling hundreds of sessions onto the demo's few. Written through the context as operator, so
/// every record is audited as usual.
/// </summary>
internal static class SyntheticFamilies
{
    private const int CasesPerTherapist = 30;
    private const int Batch = 1500;

    private static readonly string[] Surnames = ["Ashdown", "Birchall", "Copperfield", "Dunmore", "Elmstead", "Fairleigh", "Greystone", "Hollins", "Ivesdale", "Juniper"];
    private static readonly string[] Given = ["Alex", "Robin", "Sam", "Jordan", "Morgan", "Kit", "Rowan", "Sasha", "Jamie", "Charlie"];

    public static async Task AddAsync(IServiceProvider services, int families, Func<int, Task> progress, CancellationToken ct)
    {
        Guid agencyId, therapistRole;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            agencyId = await db.Agencies.Select(a => a.Id).SingleAsync(ct).ConfigureAwait(false);
            therapistRole = await db.Roles.Where(r => r.Name == StaffRoles.Therapist).Select(r => r.Id).SingleAsync(ct).ConfigureAwait(false);
        }
        var random = new Random(20261126);
        var now = DateTime.UtcNow;
        var made = 0;
        var therapist = Guid.Empty;
        while (made < families)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var end = Math.Min(families, made + Batch);
            for (; made < end; made++)
            {
                if (made % CasesPerTherapist == 0)
                {
                    var number = (made / CasesPerTherapist).ToString("D5", CultureInfo.InvariantCulture);
                    var email = $"therapist{number}@synthetic.example";
                    var user = new StaffUser
                    {
                        Id = Guid.NewGuid(), AgencyId = agencyId, UserName = email, NormalizedUserName = email.ToUpperInvariant(),
                        Email = email, NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, DisplayName = $"Synthetic Therapist {number}",
                        SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = now,
                    };
                    db.Users.Add(user);
                    db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = therapistRole });
                    therapist = user.Id;
                }
                var surname = Surnames[random.Next(Surnames.Length)];
                var opened = now.AddDays(-random.Next(1, 700));
                var family = Case.Open(agencyId, $"{surname} family {made.ToString(CultureInfo.InvariantCulture)}", therapist, null, therapist, opened);
                var parent = family.AddMember($"{Given[random.Next(Given.Length)]} {surname}", FamilyRole.Parent, now.Year - random.Next(28, 55), opened);
                var child = family.AddMember($"{Given[random.Next(Given.Length)]} {surname}", FamilyRole.Child, now.Year - random.Next(6, 17), opened);
                var other = random.Next(3) == 0 ? family.AddMember($"{Given[random.Next(Given.Length)]} {surname}", FamilyRole.Parent, now.Year - random.Next(28, 55), opened) : null;
                // Oriented and in active work, as most of an agency's open families are: each member agreed to the
                // questionnaires (a child of 12 or under with a parent consenting), so links can go to any of them.
                var episode = family.CurrentEpisode;
                var oriented = opened.AddHours(1);
                episode.RecordFamilyAgreements(SecretsPolicy.NoSecrets, null, YoungPersonSharing.ScoresOnly);
                episode.RecordAgreement(parent, 1, null, true, true, null, therapist, oriented);
                episode.RecordAgreement(child, 1, child.IsChildIn(oriented.Year) ? parent.Id : null, true, true, null, therapist, oriented);
                if (other is not null) episode.RecordAgreement(other, 1, null, true, true, null, therapist, oriented);
                episode.MoveTo(EpisodePhase.Active, therapist, "Orientation complete; the family agreed to begin", oriented);
                db.Cases.Add(family);
            }
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await progress(made).ConfigureAwait(false);
        }
    }
}
