using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Alliance.Data;

/// <summary>
/// Encrypts and decrypts sensitive free text (session notes, incident narratives, contact summaries, transcripts)
/// on its way to and from the database.
/// </summary>
public interface ISensitiveTextProtector
{
    /// <summary>Encrypts a value for storage.</summary>
    string Protect(string plaintext);

    /// <summary>Decrypts a stored value.</summary>
    string Unprotect(string stored);
}

/// <summary>Marks properties that hold sensitive free text, stored encrypted.</summary>
public static class SensitiveText
{
    internal const string Annotation = "Alliance:Sensitive";

    /// <summary>Stores the property encrypted with the context's protector.</summary>
    public static PropertyBuilder<string?> IsSensitive(this PropertyBuilder<string?> property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.HasAnnotation(Annotation, true);
    }

    internal static ValueConverter<string, string> Converter(ISensitiveTextProtector protector) =>
        new(v => protector.Protect(v), v => protector.Unprotect(v));
}

/// <summary>
/// One model per protector: the encryption converters close over the protector of the app that built them,
/// so two apps in one process (tests, two nodes) never share a key ring by accident.
/// </summary>
internal sealed class ProtectorAwareModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        context is AllianceDbContext db
            ? (context.GetType(), designTime, db.ProtectorKey)
            : (object)(context.GetType(), designTime);
}
