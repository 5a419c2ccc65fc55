using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Boundaries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assistance_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    TherapistId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: true),
                    Text = table.Column<string>(type: "text", nullable: true),
                    AskedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Answer = table.Column<string>(type: "text", nullable: true),
                    AnsweredBy = table.Column<Guid>(type: "uuid", nullable: true),
                    AnsweredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assistance_requests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_assistance_requests_AspNetUsers_TherapistId",
                        column: x => x.TherapistId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_assistance_requests_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "boundary_settings",
                columns: table => new
                {
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    SelfCheckTimes = table.Column<int>(type: "integer", nullable: false),
                    SelfCheckWindow = table.Column<int>(type: "integer", nullable: false),
                    MinimumDecisions = table.Column<int>(type: "integer", nullable: false),
                    MinimumExpected = table.Column<int>(type: "integer", nullable: false),
                    Alpha = table.Column<decimal>(type: "numeric(6,4)", precision: 6, scale: 4, nullable: false),
                    HoursShareRatio = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_boundary_settings", x => x.AgencyId);
                    table.ForeignKey(
                        name: "FK_boundary_settings_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contacts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Means = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Minutes = table.Column<int>(type: "integer", nullable: true),
                    Summary = table.Column<string>(type: "text", nullable: true),
                    RecordedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Imported = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contacts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_contacts_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_contacts_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: true),
                    ConcernsStaffId = table.Column<Guid>(type: "uuid", nullable: true),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Narrative = table.Column<string>(type: "text", nullable: true),
                    ReportedByStaffId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReportedByMemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incidents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_incidents_AspNetUsers_ConcernsStaffId",
                        column: x => x.ConcernsStaffId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_incidents_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "intake_decisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    TherapistId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: true),
                    Referral = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    AttributeValues = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_intake_decisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_intake_decisions_AspNetUsers_TherapistId",
                        column: x => x.TherapistId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_intake_decisions_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "referral_fields",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Values = table.Column<string>(type: "character varying(1300)", maxLength: 1300, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_fields", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "self_checks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    TherapistId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_self_checks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_self_checks_AspNetUsers_TherapistId",
                        column: x => x.TherapistId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "incident_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: true),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: true),
                    ByStaffId = table.Column<Guid>(type: "uuid", nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incident_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_incident_entries_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "self_check_answers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    SelfCheckId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    SharedOwnTroubles = table.Column<bool>(type: "boolean", nullable: false),
                    Appearance = table.Column<bool>(type: "boolean", nullable: false),
                    OutsideThoughts = table.Column<bool>(type: "boolean", nullable: false),
                    ExtraTime = table.Column<bool>(type: "boolean", nullable: false),
                    Note = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_self_check_answers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_self_check_answers_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_self_check_answers_self_checks_SelfCheckId",
                        column: x => x.SelfCheckId,
                        principalTable: "self_checks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_assistance_requests_AgencyId_TherapistId_AskedAt",
                table: "assistance_requests",
                columns: new[] { "AgencyId", "TherapistId", "AskedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_assistance_requests_CaseId",
                table: "assistance_requests",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_assistance_requests_TherapistId",
                table: "assistance_requests",
                column: "TherapistId");

            migrationBuilder.CreateIndex(
                name: "IX_contacts_AgencyId_CaseId_At",
                table: "contacts",
                columns: new[] { "AgencyId", "CaseId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_contacts_CaseId",
                table: "contacts",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_contacts_MemberId",
                table: "contacts",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_incident_entries_AgencyId_IncidentId_At",
                table: "incident_entries",
                columns: new[] { "AgencyId", "IncidentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_incident_entries_IncidentId",
                table: "incident_entries",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_AgencyId_CaseId",
                table: "incidents",
                columns: new[] { "AgencyId", "CaseId" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_AgencyId_Status_ReportedAt",
                table: "incidents",
                columns: new[] { "AgencyId", "Status", "ReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_CaseId",
                table: "incidents",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_ConcernsStaffId",
                table: "incidents",
                column: "ConcernsStaffId");

            migrationBuilder.CreateIndex(
                name: "IX_intake_decisions_AgencyId_TherapistId_DecidedAt",
                table: "intake_decisions",
                columns: new[] { "AgencyId", "TherapistId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_intake_decisions_CaseId",
                table: "intake_decisions",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_intake_decisions_TherapistId",
                table: "intake_decisions",
                column: "TherapistId");

            migrationBuilder.CreateIndex(
                name: "IX_referral_fields_AgencyId_Name",
                table: "referral_fields",
                columns: new[] { "AgencyId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_self_check_answers_AgencyId_SelfCheckId_CaseId",
                table: "self_check_answers",
                columns: new[] { "AgencyId", "SelfCheckId", "CaseId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_self_check_answers_CaseId",
                table: "self_check_answers",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_self_check_answers_SelfCheckId",
                table: "self_check_answers",
                column: "SelfCheckId");

            migrationBuilder.CreateIndex(
                name: "IX_self_checks_AgencyId_TherapistId_Month",
                table: "self_checks",
                columns: new[] { "AgencyId", "TherapistId", "Month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_self_checks_TherapistId",
                table: "self_checks",
                column: "TherapistId");
            // Incident entries are never edited or deleted, and neither is an incident.
            migrationBuilder.Sql("""
                CREATE FUNCTION incidents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'incidents and their entries are append-only';
                END;
                $$;
                """);
            migrationBuilder.Sql("CREATE TRIGGER incident_entries_no_change BEFORE UPDATE OR DELETE ON incident_entries FOR EACH ROW EXECUTE FUNCTION incidents_append_only();");
            migrationBuilder.Sql("CREATE TRIGGER incident_entries_no_truncate BEFORE TRUNCATE ON incident_entries FOR EACH STATEMENT EXECUTE FUNCTION incidents_append_only();");
            migrationBuilder.Sql("CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION incidents_append_only();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS incidents_no_delete ON incidents;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS incident_entries_no_truncate ON incident_entries;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS incident_entries_no_change ON incident_entries;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS incidents_append_only();");
            migrationBuilder.DropTable(
                name: "assistance_requests");

            migrationBuilder.DropTable(
                name: "boundary_settings");

            migrationBuilder.DropTable(
                name: "contacts");

            migrationBuilder.DropTable(
                name: "incident_entries");

            migrationBuilder.DropTable(
                name: "intake_decisions");

            migrationBuilder.DropTable(
                name: "referral_fields");

            migrationBuilder.DropTable(
                name: "self_check_answers");

            migrationBuilder.DropTable(
                name: "incidents");

            migrationBuilder.DropTable(
                name: "self_checks");
        }
    }
}
