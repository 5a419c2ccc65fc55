using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Alliance.Data;

/// <summary>
/// Work done right after the context has looked for changes, which must not look again: each automatic look goes
/// through every tracked record, and asking a tracked record about its collections looks through those again.
/// </summary>
public static class DetectedChanges
{
    /// <summary>Runs <paramref name="work"/> with automatic change detection off, then puts it back as it was.</summary>
    public static T WithoutLookingAgain<T>(this ChangeTracker tracker, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(work);
        var detecting = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return work();
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detecting;
        }
    }

    /// <summary>Runs <paramref name="work"/> with automatic change detection off until it ends, then puts it back as it was.</summary>
    public static async Task<T> WithoutLookingAgainAsync<T>(this ChangeTracker tracker, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(work);
        var detecting = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detecting;
        }
    }
}
