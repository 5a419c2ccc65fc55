using System.Collections.Concurrent;

namespace Alliance.Web.Features.Questionnaires;

/// <summary>
/// Counts failed questionnaire-link look-ups (tokens that match no link) per client address. From the eleventh failure
/// in ten minutes, an address gets "too many tries" for every further unknown token until its window has passed.
/// Successful look-ups are never limited and never counted: a family answering on shared clinic or school Wi-Fi, where
/// one person mistyped a link, must still get in with a good one.
/// The counts live in memory on each web node, so behind a load balancer every node keeps its own count and the
/// effective limit is ten per node. That is acceptable: the token's 256 random bits are what make guessing hopeless;
/// this limit only keeps guessing slow, cheap to answer, and visible in the log.
/// </summary>
public sealed partial class LinkLookupLimiter(TimeProvider clock, ILogger<LinkLookupLimiter> log)
{
    /// <summary>Failed look-ups an address may make in one window.</summary>
    public const int MaxFailures = 10;

    /// <summary>The window failures are counted in.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Failures> _byAddress = new(StringComparer.Ordinal);

    private sealed class Failures
    {
        public DateTime WindowStart;
        public int Count;
    }

    /// <summary>Counts a failed look-up from the address; true when the address is now over the limit.</summary>
    public bool Fail(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = clock.GetUtcNow().UtcDateTime;
        if (_byAddress.Count > 10_000) Forget(now);
        var failures = _byAddress.GetOrAdd(address, _ => new Failures { WindowStart = now });
        bool limited, firstTimeOver;
        lock (failures)
        {
            if (now - failures.WindowStart >= Window)
            {
                failures.WindowStart = now;
                failures.Count = 0;
            }
            failures.Count++;
            limited = failures.Count > MaxFailures;
            firstTimeOver = failures.Count == MaxFailures + 1;
        }
        // The address is not logged: it may be a family's home connection.
        if (firstTimeOver) TooManyFailures(log, MaxFailures, (int)Window.TotalMinutes);
        return limited;
    }

    private void Forget(DateTime now)
    {
        foreach (var (address, failures) in _byAddress)
            if (now - failures.WindowStart >= Window)
                _byAddress.TryRemove(address, out _);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Questionnaire links: one address made more than {Max} failed look-ups in {Minutes} minutes; it gets 'too many tries' until its window passes")]
    private static partial void TooManyFailures(ILogger logger, int max, int minutes);
}
