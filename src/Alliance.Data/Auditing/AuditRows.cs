using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Alliance.Data.Auditing;

/// <summary>
/// Writes audit entries with one INSERT statement, run once for each entry in the context's transaction, outside the
/// change tracker. The flush of buffered reads writes hundreds of entries at a time; tracked, each had its snapshot, its
/// own command built and its new key read back, which cost more than writing it. The statement follows the model as the
/// context's own saves do: its table and columns, and each value converted and typed by the property's mapping.
/// </summary>
internal static class AuditRows
{
    private sealed record Column(string Parameter, RelationalTypeMapping Mapping, bool Nullable, IClrPropertyGetter Value);

    private sealed record Insert(string Sql, Column[] Columns);

    private static readonly ConditionalWeakTable<IModel, Insert> Inserts = [];

    /// <summary>Writes the entries, in their order, in the context's current transaction.</summary>
    internal static async Task WriteAsync(AllianceDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Audit entries are written inside the save's transaction.");
        var insert = Inserts.GetValue(db.Model, _ => Build(db));
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = insert.Sql;
        command.Transaction = transaction.GetDbTransaction();
        if (db.Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
        foreach (var entry in entries)
        {
            command.Parameters.Clear();
            foreach (var column in insert.Columns)
                command.Parameters.Add(column.Mapping.CreateParameter(command, column.Parameter, column.Value.GetClrValue(entry), column.Nullable));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static Insert Build(AllianceDbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var type = db.Model.FindEntityType(typeof(AuditEntry))!;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        // Every stored property but the key the database numbers.
        var properties = type.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToArray();
        var columns = properties
            .Select((p, i) => new Column(sql.GenerateParameterName("a" + i), (RelationalTypeMapping)p.GetRelationalTypeMapping(), p.IsNullable, p.GetGetter()))
            .ToArray();
        var text = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) "
            + $"VALUES ({string.Join(", ", properties.Select((_, i) => sql.GenerateParameterNamePlaceholder("a" + i)))})";
        return new Insert(text, columns);
    }
}
