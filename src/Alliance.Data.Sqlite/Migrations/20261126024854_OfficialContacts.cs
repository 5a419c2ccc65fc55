using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OfficialContacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OfficialContacts",
                table: "boundary_settings",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhoneRegion",
                table: "boundary_settings",
                type: "TEXT",
                maxLength: 2,
                nullable: false,
                defaultValue: "GB");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OfficialContacts",
                table: "boundary_settings");

            migrationBuilder.DropColumn(
                name: "PhoneRegion",
                table: "boundary_settings");
        }
    }
}
