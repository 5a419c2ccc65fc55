using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Data.Sqlite.Migrations
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
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "agency_instruments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstrumentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    QuestionnaireJson = table.Column<string>(type: "TEXT", nullable: false),
                    ImportedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    ImportedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
