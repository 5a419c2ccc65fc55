using System.Linq.Expressions;
using System.Reflection;
using Alliance.Data;

namespace Alliance.Application;

/// <summary>
/// Rules of who may read what, each written once as an expression of (context, record, agency, staff member, now),
/// and used two ways: bound to one actor in a query built at the call (<see cref="Bind"/>), or put in place of a
/// stand-in in a query compiled once (<see cref="Inline"/>), where the actor's agency and id are the query's parameters.
/// </summary>
internal static class QueryRules
{
    /// <summary>
    /// Stands, inside a rule, for the current supervisees of staff member <c>me</c> in <c>agency</c>; <see cref="Rule"/>
    /// puts the query in its place. Never called.
    /// </summary>
    public static readonly Func<AllianceDbContext, Guid, Guid, IQueryable<Guid>> Supervisees =
        (_, _, _) => throw new InvalidOperationException("QueryRules.Supervisees stands for a query inside a rule; it is never called.");

    private static readonly FieldInfo SuperviseesField = typeof(QueryRules).GetField(nameof(Supervisees))!;

    /// <summary>Who is a current supervisee: a supervision line of the agency from the staff member that has not ended.</summary>
    private static readonly Expression<Func<AllianceDbContext, Guid, Guid, IQueryable<Guid>>> CurrentSupervisees = (db, agency, me) =>
        db.SupervisionLines.Where(l => l.SupervisorId == me && l.EndedAt == null && l.AgencyId == agency).Select(l => l.SuperviseeId);

    /// <summary>A rule as written, with each <see cref="Supervisees"/> replaced by the query it stands for.</summary>
    public static Expression<Func<AllianceDbContext, T, Guid, Guid, DateTime, bool>> Rule<T>(Expression<Func<AllianceDbContext, T, Guid, Guid, DateTime, bool>> rule) =>
        (Expression<Func<AllianceDbContext, T, Guid, Guid, DateTime, bool>>)new Inliner(SuperviseesField, CurrentSupervisees).Visit(rule);

    /// <summary>The rule as a filter of records for one actor; its inputs become the query's parameters, as a closure's variables would.</summary>
    public static Expression<Func<T, bool>> Bind<T>(Expression<Func<AllianceDbContext, T, Guid, Guid, DateTime, bool>> rule, AllianceDbContext db, Guid agency, Guid me, DateTime now)
    {
        var scope = Expression.Constant(new Scope(db, agency, me, now));
        var bound = new Substitution(new Dictionary<ParameterExpression, Expression>
        {
            [rule.Parameters[0]] = Expression.Field(scope, nameof(Scope.db)),
            [rule.Parameters[2]] = Expression.Field(scope, nameof(Scope.agency)),
            [rule.Parameters[3]] = Expression.Field(scope, nameof(Scope.me)),
            [rule.Parameters[4]] = Expression.Field(scope, nameof(Scope.now)),
        }).Visit(rule.Body);
        return Expression.Lambda<Func<T, bool>>(bound, rule.Parameters[1]);
    }

    /// <summary>The query with each call of the stand-in (a static delegate field, never called) replaced by the rule.</summary>
    public static Expression<TQuery> Inline<TQuery, T>(Expression<TQuery> query, FieldInfo standIn, Expression<Func<AllianceDbContext, T, Guid, Guid, DateTime, bool>> rule)
        where TQuery : Delegate =>
        (Expression<TQuery>)new Inliner(standIn, rule).Visit(query);

    /// <summary>The inputs of a rule bound for one query (its fields are named as the query's parameters).</summary>
#pragma warning disable CA1051, SA1307, SA1401, IDE1006 // Fields, named as the parameters they become in SQL.
    private sealed class Scope(AllianceDbContext db, Guid agency, Guid me, DateTime now)
    {
        public readonly AllianceDbContext db = db;
        public readonly Guid agency = agency;
        public readonly Guid me = me;
        public readonly DateTime now = now;
    }
#pragma warning restore CA1051, SA1307, SA1401, IDE1006

    /// <summary>Replaces parameters by expressions.</summary>
    private sealed class Substitution(IReadOnlyDictionary<ParameterExpression, Expression> map) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => map.TryGetValue(node, out var e) ? e : node;
    }

    /// <summary>Replaces each call of the stand-in by the rule, given the call's arguments.</summary>
    private sealed class Inliner(FieldInfo standIn, LambdaExpression rule) : ExpressionVisitor
    {
        protected override Expression VisitInvocation(InvocationExpression node)
        {
            if (node.Expression is not MemberExpression { Member: var member } || member != standIn) return base.VisitInvocation(node);
            var arguments = node.Arguments.Select(Visit).ToList();
            return new Substitution(rule.Parameters.Zip(arguments).ToDictionary(x => x.First, x => x.Second!)).Visit(rule.Body);
        }
    }
}
