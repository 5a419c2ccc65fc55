using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LoadIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_episodes_AgencyId_Phase",
                table: "episodes",
                columns: new[] { "AgencyId", "Phase" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_episodes_AgencyId_Phase",
                table: "episodes");
        }
    }
}
