using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Alliance.Testing;

/// <summary>One change to a JSON text, recording what it did in <c>steps</c>.</summary>
public delegate string JsonMutation(string json, List<string> steps);

/// <summary>The words a fuzzer mixes into JSON: raw values, whole members, member names and stray tokens.</summary>
public sealed record JsonMutationWords(IReadOnlyList<string> RawValues, IReadOnlyList<string> Members, IReadOnlyList<string> Keys, IReadOnlyList<string> Tokens)
{
    /// <summary>Characters that break JSON in every parser's own way.</summary>
    public static IReadOnlyList<string> BreakingTokens { get; } = ["\"", ",", "{", "}", "[", "]", ":", "\\", "\n", "\uFEFF", "\0", "/* */", "NaN", "'", "\uD800", "😀"];
}

/// <summary>Structural and textual mutations of JSON for property-based fuzzing (FsCheck generators).</summary>
public static class JsonMutations
{
    private const string Placeholder = "\u0001placeholder\u0001";

    /// <summary>A text shortened for a test's message.</summary>
    public static string Shorten(string text, int length = 40)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= length ? text : text[..(length - 3)] + "...";
    }

    private static Gen<int> Position => Gen.Choose(0, int.MaxValue);

    private static List<JsonNode> Nodes(JsonNode root)
    {
        var all = new List<JsonNode>();
        void Walk(JsonNode? node)
        {
            if (node is null) return;
            all.Add(node);
            if (node is JsonObject o) foreach (var (_, child) in o.ToList()) Walk(child);
            else if (node is JsonArray a) foreach (var child in a.ToList()) Walk(child);
        }
        Walk(root);
        return all;
    }

    private static string? Structural(string json, Func<JsonNode, List<string>, string?> change, List<string> steps)
    {
        try
        {
            return JsonNode.Parse(json) is { } root ? change(root, steps) : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// One mutation of a JSON text: replace a node with a raw value, remove or repeat one, rename a member, insert a member
    /// or a token, flip a bit, or cut the text short. <paramref name="replaceRoot"/> lets the whole document be replaced.
    /// </summary>
    public static Gen<JsonMutation> Of(JsonMutationWords words, bool replaceRoot = true)
    {
        ArgumentNullException.ThrowIfNull(words);
        var replace = from at in Position from raw in Gen.Elements(words.RawValues.ToArray())
                      select (JsonMutation)((json, steps) => Structural(json, (root, s) =>
                      {
                          var nodes = Nodes(root).Skip(replaceRoot ? 0 : 1).ToList();
                          if (nodes.Count == 0) return null;
                          var node = nodes[at % nodes.Count];
                          var path = node.GetPath();
                          if (node.Parent is null) root = JsonValue.Create(Placeholder);
                          else node.ReplaceWith(JsonValue.Create(Placeholder));
                          s.Add($"replace {path} with {Shorten(raw)}");
                          return root.ToJsonString().Replace(System.Text.Json.JsonSerializer.Serialize(Placeholder), raw, StringComparison.Ordinal);
                      }, steps) ?? json);
        var remove = from at in Position
                     select (JsonMutation)((json, steps) => Structural(json, (root, s) =>
                     {
                         var nodes = Nodes(root).Where(n => n.Parent is not null).ToList();
                         if (nodes.Count == 0) return null;
                         var node = nodes[at % nodes.Count];
                         s.Add($"remove {node.GetPath()}");
                         if (node.Parent is JsonObject o) o.Remove(o.First(p => ReferenceEquals(p.Value, node)).Key);
                         else if (node.Parent is JsonArray a) a.Remove(node);
                         return root.ToJsonString();
                     }, steps) ?? json);
        var repeat = from at in Position
                     select (JsonMutation)((json, steps) => Structural(json, (root, s) =>
                     {
                         var arrays = Nodes(root).OfType<JsonArray>().Where(a => a.Count > 0).ToList();
                         if (arrays.Count == 0) return null;
                         var array = arrays[at % arrays.Count];
                         array.Add(array[at / 3 % array.Count]?.DeepClone());
                         s.Add($"repeat an element of {array.GetPath()}");
                         return root.ToJsonString();
                     }, steps) ?? json);
        var rename = from at in Position from key in Gen.Elements(words.Keys.ToArray())
                     select (JsonMutation)((json, steps) => Structural(json, (root, s) =>
                     {
                         var objects = Nodes(root).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
                         if (objects.Count == 0) return null;
                         var target = objects[at % objects.Count];
                         var old = target.ElementAt(at / 5 % target.Count).Key;
                         if (target.ContainsKey(key)) return null;
                         var value = target[old];
                         target.Remove(old);
                         target[key] = value;
                         s.Add($"rename {target.GetPath()}.{old} to \"{key}\"");
                         return root.ToJsonString();
                     }, steps) ?? json);
        var member = from at in Position from text in Gen.Elements(words.Members.ToArray())
                     select (JsonMutation)((json, steps) =>
                     {
                         var braces = Enumerable.Range(0, json.Length).Where(i => json[i] == '{').ToList();
                         if (braces.Count == 0) return json;
                         var place = braces[at % braces.Count] + 1;
                         steps.Add($"insert member {text} at {place}");
                         return json.Insert(place, text);
                     });
        var flip = from at in Position from bit in Gen.Choose(0, 7)
                   select (JsonMutation)((json, steps) =>
                   {
                       var bytes = Encoding.UTF8.GetBytes(json);
                       if (bytes.Length == 0) return json;
                       bytes[at % bytes.Length] ^= (byte)(1 << bit);
                       steps.Add($"flip bit {bit} of byte {at % bytes.Length}");
                       return Encoding.UTF8.GetString(bytes);
                   });
        var truncate = from at in Position
                       select (JsonMutation)((json, steps) =>
                       {
                           var length = json.Length == 0 ? 0 : at % json.Length;
                           steps.Add($"truncate to {length} characters");
                           return json[..length];
                       });
        var insert = from at in Position from token in Gen.Elements(words.Tokens.ToArray())
                     select (JsonMutation)((json, steps) =>
                     {
                         var place = at % (json.Length + 1);
                         steps.Add($"insert {Shorten(token)} at {place}");
                         return json.Insert(place, token);
                     });
        return Gen.Frequency((6, replace), (3, remove), (2, repeat), (2, rename), (2, member), (2, flip), (1, truncate), (2, insert));
    }
}
