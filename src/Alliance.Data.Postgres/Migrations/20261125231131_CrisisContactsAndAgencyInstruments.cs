using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CrisisContactsAndAgencyInstruments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CrisisContacts",
                table: "agencies",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "agency_instruments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyId = table.Column<Guid>(type: "uuid", nullable: false),
                    InstrumentId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    QuestionnaireJson = table.Column<string>(type: "text", nullable: false),
                    ImportedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    ImportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agency_instruments", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_agency_instruments_AgencyId_InstrumentId",
                table: "agency_instruments",
                columns: new[] { "AgencyId", "InstrumentId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agency_instruments");

            migrationBuilder.DropColumn(
                name: "CrisisContacts",
                table: "agencies");
        }
    }
}
