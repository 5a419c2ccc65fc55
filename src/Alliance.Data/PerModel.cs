using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Alliance.Data;

/// <summary>
/// Queries compiled once (<c>EF.CompileAsyncQuery</c>) for each model they run against. EF Core binds a compiled query to
/// the model of the context it first ran with; a server has one model, but a process that hosts several servers (the
/// tests) has one for each, so each model gets its own compiled queries.
/// </summary>
public sealed class PerModel<T>(Func<T> compile)
    where T : class
{
    private readonly ConditionalWeakTable<IModel, T> _compiled = [];

    /// <summary>The queries compiled for the context's model.</summary>
    public T For(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return _compiled.GetValue(db.Model, _ => compile());
    }
}
