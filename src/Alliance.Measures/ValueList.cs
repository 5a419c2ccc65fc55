using System.Collections;

namespace Alliance.Measures;

/// <summary>
/// An immutable list that compares by its elements, so that records holding lists
/// (an instrument's items, a response's answers) compare by value.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] items;

    /// <summary>Copies the given elements into a new list.</summary>
    /// <param name="items">The elements, in order.</param>
    public ValueList(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        this.items = [.. items];
    }

    /// <inheritdoc />
    public T this[int index] => items[index];

    /// <inheritdoc />
    public int Count => items.Length;

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ValueList<T>? other) =>
        other is not null && items.AsSpan().SequenceEqual(other.items, EqualityComparer<T>.Default);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", items) + "]";
}

/// <summary>Creates <see cref="ValueList{T}"/> instances.</summary>
public static class ValueList
{
    /// <summary>An empty list.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <returns>The shared empty list of that type.</returns>
    public static ValueList<T> Empty<T>() => EmptyHolder<T>.Instance;

    /// <summary>Copies a sequence into a value list.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The elements.</param>
    /// <returns>A new list holding the elements in order.</returns>
    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => new(items);

    private static class EmptyHolder<T>
    {
        public static readonly ValueList<T> Instance = new([]);
    }
}
