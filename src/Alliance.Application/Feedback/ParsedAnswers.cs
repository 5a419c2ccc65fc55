using System.Security.Cryptography;
using System.Text;
using Alliance.Measures;
using Microsoft.Extensions.Caching.Memory;

namespace Alliance.Application.Feedback;

/// <summary>
/// Stored answers already read, by response id and the SHA-256 of their text, so answers read again are recognised
/// instead of parsed again, and changed answers (a correction keeps the response's id) never match an old entry.
/// Holds at most <c>capacity</c> responses, dropping the least recently used beyond that.
/// </summary>
internal sealed class ParsedAnswers(int capacity) : IDisposable
{
    private sealed record Entry(byte[] Hash, ScoredResponse? Response);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.25 });

    /// <summary>The response read from <paramref name="json"/>, read by <paramref name="read"/> only if not read before.</summary>
    public ScoredResponse? Read(Guid responseId, string json, Func<string, ScoredResponse?> read)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        if (_cache.TryGetValue(responseId, out Entry? known) && known is not null && known.Hash.AsSpan().SequenceEqual(hash))
            return known.Response;
        var response = read(json);
        _cache.Set(responseId, new Entry(hash, response), new MemoryCacheEntryOptions { Size = 1 });
        return response;
    }

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();
}
