using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class BoundaryTimeRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TimeRulesJson",
                table: "boundary_settings",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TimeRulesJson",
                table: "boundary_settings");
        }
    }
}
