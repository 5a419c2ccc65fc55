using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Process : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClosingSummary",
                table: "episodes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "FinalMeasuresPlanned",
                table: "episodes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "FinalSessionAt",
                table: "episodes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "FollowUpAt",
                table: "episodes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "episodes",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PlanIntervalDays",
                table: "episodes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PlanSessionMinutes",
                table: "episodes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PlanSessions",
                table: "episodes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RelapsePlan",
                table: "episodes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SecretsPolicy",
                table: "episodes",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SecretsRule",
                table: "episodes",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "YoungPersonSharing",
                table: "episodes",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "OffersFollowUp",
                table: "agencies",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ReviewEverySessions",
                table: "agencies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "goals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EpisodeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_goals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_goals_episodes_EpisodeId",
                        column: x => x.EpisodeId,
                        principalTable: "episodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "member_agreements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EpisodeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TextVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Form = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ConsentingMemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MeasuresConsent = table.Column<bool>(type: "INTEGER", nullable: false),
                    FeedbackConsent = table.Column<bool>(type: "INTEGER", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RecordedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_member_agreements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_member_agreements_episodes_EpisodeId",
                        column: x => x.EpisodeId,
                        principalTable: "episodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_member_agreements_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "member_outcomes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EpisodeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstrumentId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FirstScore = table.Column<decimal>(type: "TEXT", nullable: false),
                    LastScore = table.Column<decimal>(type: "TEXT", nullable: false),
                    Ratings = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_member_outcomes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_member_outcomes_episodes_EpisodeId",
                        column: x => x.EpisodeId,
                        principalTable: "episodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_member_outcomes_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "orientation_texts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Expectations = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Responsibilities = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Roles = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Confidentiality = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    MeasuresAndFeedback = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ChildWords = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    PublishedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orientation_texts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_orientation_texts_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "process_overrides",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EpisodeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    By = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_process_overrides", x => x.Id);
                    table.ForeignKey(
                        name: "FK_process_overrides_episodes_EpisodeId",
                        column: x => x.EpisodeId,
                        principalTable: "episodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "reviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EpisodeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AfterSessions = table.Column<int>(type: "INTEGER", nullable: false),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Note = table.Column<string>(type: "TEXT", nullable: true),
                    By = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_reviews_episodes_EpisodeId",
                        column: x => x.EpisodeId,
                        principalTable: "episodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "goal_importance",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GoalId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Importance = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_goal_importance", x => x.Id);
                    table.ForeignKey(
                        name: "FK_goal_importance_goals_GoalId",
                        column: x => x.GoalId,
                        principalTable: "goals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_goal_importance_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "goal_progress",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReviewId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GoalId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_goal_progress", x => x.Id);
                    table.ForeignKey(
                        name: "FK_goal_progress_goals_GoalId",
                        column: x => x.GoalId,
                        principalTable: "goals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_goal_progress_reviews_ReviewId",
                        column: x => x.ReviewId,
                        principalTable: "reviews",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_goal_importance_AgencyId_GoalId_MemberId",
                table: "goal_importance",
                columns: new[] { "AgencyId", "GoalId", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_goal_importance_GoalId",
                table: "goal_importance",
                column: "GoalId");

            migrationBuilder.CreateIndex(
                name: "IX_goal_importance_MemberId",
                table: "goal_importance",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_goal_progress_AgencyId_ReviewId",
                table: "goal_progress",
                columns: new[] { "AgencyId", "ReviewId" });

            migrationBuilder.CreateIndex(
                name: "IX_goal_progress_GoalId",
                table: "goal_progress",
                column: "GoalId");

            migrationBuilder.CreateIndex(
                name: "IX_goal_progress_ReviewId",
                table: "goal_progress",
                column: "ReviewId");

            migrationBuilder.CreateIndex(
                name: "IX_goals_AgencyId_EpisodeId",
                table: "goals",
                columns: new[] { "AgencyId", "EpisodeId" });

            migrationBuilder.CreateIndex(
                name: "IX_goals_EpisodeId",
                table: "goals",
                column: "EpisodeId");

            migrationBuilder.CreateIndex(
                name: "IX_member_agreements_AgencyId_EpisodeId_MemberId",
                table: "member_agreements",
                columns: new[] { "AgencyId", "EpisodeId", "MemberId" });

            migrationBuilder.CreateIndex(
                name: "IX_member_agreements_EpisodeId",
                table: "member_agreements",
                column: "EpisodeId");

            migrationBuilder.CreateIndex(
                name: "IX_member_agreements_MemberId",
                table: "member_agreements",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_member_outcomes_AgencyId_EpisodeId",
                table: "member_outcomes",
                columns: new[] { "AgencyId", "EpisodeId" });

            migrationBuilder.CreateIndex(
                name: "IX_member_outcomes_EpisodeId",
                table: "member_outcomes",
                column: "EpisodeId");

            migrationBuilder.CreateIndex(
                name: "IX_member_outcomes_MemberId",
                table: "member_outcomes",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_orientation_texts_AgencyId_Version",
                table: "orientation_texts",
                columns: new[] { "AgencyId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_process_overrides_AgencyId_EpisodeId",
                table: "process_overrides",
                columns: new[] { "AgencyId", "EpisodeId" });

            migrationBuilder.CreateIndex(
                name: "IX_process_overrides_EpisodeId",
                table: "process_overrides",
                column: "EpisodeId");

            migrationBuilder.CreateIndex(
                name: "IX_reviews_AgencyId_EpisodeId",
                table: "reviews",
                columns: new[] { "AgencyId", "EpisodeId" });

            migrationBuilder.CreateIndex(
                name: "IX_reviews_EpisodeId",
                table: "reviews",
                column: "EpisodeId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "goal_importance");

            migrationBuilder.DropTable(
                name: "goal_progress");

            migrationBuilder.DropTable(
                name: "member_agreements");

            migrationBuilder.DropTable(
                name: "member_outcomes");

            migrationBuilder.DropTable(
                name: "orientation_texts");

            migrationBuilder.DropTable(
                name: "process_overrides");

            migrationBuilder.DropTable(
                name: "goals");

            migrationBuilder.DropTable(
                name: "reviews");

            migrationBuilder.DropColumn(
                name: "ClosingSummary",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "FinalMeasuresPlanned",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "FinalSessionAt",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "FollowUpAt",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "PlanIntervalDays",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "PlanSessionMinutes",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "PlanSessions",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "RelapsePlan",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "SecretsPolicy",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "SecretsRule",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "YoungPersonSharing",
                table: "episodes");

            migrationBuilder.DropColumn(
                name: "OffersFollowUp",
                table: "agencies");

            migrationBuilder.DropColumn(
                name: "ReviewEverySessions",
                table: "agencies");
        }
    }
}
