using System.Runtime.CompilerServices;

namespace Alliance.Signals;

/// <summary>A member's role in the family.</summary>
public enum MemberRole : byte
{
    /// <summary><c>parent</c></summary>
    Parent,

    /// <summary><c>caregiver</c></summary>
    Caregiver,

    /// <summary><c>child</c></summary>
    Child,

    /// <summary><c>partner</c></summary>
    Partner,

    /// <summary><c>client</c></summary>
    Client,

    /// <summary><c>other</c></summary>
    Other,
}

/// <summary>Whether a session took place.</summary>
public enum SessionStatus : byte
{
    /// <summary><c>held</c>: the session took place.</summary>
    Held,

    /// <summary><c>cancelled</c></summary>
    Cancelled,

    /// <summary><c>no-show</c>: the family did not come.</summary>
    NoShow,
}

/// <summary>Whether the therapist discussed the measures with the family at a session.</summary>
public enum FeedbackDiscussed : byte
{
    /// <summary>Not recorded (an empty cell); never a feedback gap.</summary>
    NotRecorded,

    /// <summary><c>yes</c></summary>
    Yes,

    /// <summary><c>no</c></summary>
    No,
}

/// <summary>Who gave a score.</summary>
public enum Rater : byte
{
    /// <summary><c>client</c>: the member rated it themselves; the only rater the default rules read as a rating.</summary>
    Client,

    /// <summary><c>caregiver</c>: a caregiver rated the member.</summary>
    Caregiver,

    /// <summary><c>observer</c>: an observer rated the member.</summary>
    Observer,

    /// <summary><c>therapist</c>: the therapist rated the member.</summary>
    Therapist,
}

/// <summary>The channel of a contact between sessions.</summary>
public enum ContactChannel : byte
{
    /// <summary><c>agency-phone</c></summary>
    AgencyPhone,

    /// <summary><c>agency-email</c></summary>
    AgencyEmail,

    /// <summary><c>agency-message</c></summary>
    AgencyMessage,

    /// <summary><c>personal-phone</c></summary>
    PersonalPhone,

    /// <summary><c>personal-email</c></summary>
    PersonalEmail,

    /// <summary><c>personal-message</c></summary>
    PersonalMessage,

    /// <summary><c>social-media</c></summary>
    SocialMedia,

    /// <summary><c>in-person-outside</c>: meeting in person outside the agency's sessions.</summary>
    InPersonOutside,
}

/// <summary>Who started a contact.</summary>
public enum ContactInitiator : byte
{
    /// <summary><c>therapist</c></summary>
    Therapist,

    /// <summary><c>client</c></summary>
    Client,
}

/// <summary>The words of the spreadsheet format for roles, statuses, raters, channels and initiators.</summary>
public static class Vocabulary
{
    private static readonly string[] Roles = ["parent", "caregiver", "child", "partner", "client", "other"];
    private static readonly string[] Statuses = ["held", "cancelled", "no-show"];
    private static readonly string[] Raters = ["client", "caregiver", "observer", "therapist"];
    private static readonly string[] Channels =
    [
        "agency-phone", "agency-email", "agency-message", "personal-phone", "personal-email", "personal-message",
        "social-media", "in-person-outside",
    ];

    private static readonly string[] Initiators = ["therapist", "client"];

    /// <summary>The words for roles, in enum order.</summary>
    public static IReadOnlyList<string> RoleWords => Roles;

    /// <summary>The words for session statuses, in enum order.</summary>
    public static IReadOnlyList<string> StatusWords => Statuses;

    /// <summary>The words for raters, in enum order.</summary>
    public static IReadOnlyList<string> RaterWords => Raters;

    /// <summary>The words for contact channels, in enum order.</summary>
    public static IReadOnlyList<string> ChannelWords => Channels;

    /// <summary>The words for who started a contact, in enum order.</summary>
    public static IReadOnlyList<string> InitiatorWords => Initiators;

    /// <summary>The word for a role.</summary>
    /// <param name="role">The role.</param>
    public static string Word(MemberRole role) => Roles[(int)role];

    /// <summary>The word for a session status.</summary>
    /// <param name="status">The status.</param>
    public static string Word(SessionStatus status) => Statuses[(int)status];

    /// <summary>The word for a rater.</summary>
    /// <param name="rater">The rater.</param>
    public static string Word(Rater rater) => Raters[(int)rater];

    /// <summary>The word for a contact channel.</summary>
    /// <param name="channel">The channel.</param>
    public static string Word(ContactChannel channel) => Channels[(int)channel];

    /// <summary>The word for who started a contact.</summary>
    /// <param name="initiator">Who started it.</param>
    public static string Word(ContactInitiator initiator) => Initiators[(int)initiator];

    /// <summary>Whether a channel is outside the agency's own: personal channels, social media and meeting in person outside.</summary>
    /// <param name="channel">The channel.</param>
    public static bool IsPersonal(ContactChannel channel) => channel >= ContactChannel.PersonalPhone;

    /// <summary>Reads a role word, without regard to case.</summary>
    /// <param name="text">The word.</param>
    /// <param name="role">The role.</param>
    /// <returns>Whether the word is a role.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out MemberRole role) => TryFind(Roles, text, out role);

    /// <summary>Reads a status word, without regard to case.</summary>
    /// <param name="text">The word.</param>
    /// <param name="status">The status.</param>
    /// <returns>Whether the word is a status.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out SessionStatus status) => TryFind(Statuses, text, out status);

    /// <summary>Reads a rater word, without regard to case.</summary>
    /// <param name="text">The word.</param>
    /// <param name="rater">The rater.</param>
    /// <returns>Whether the word is a rater.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Rater rater) => TryFind(Raters, text, out rater);

    /// <summary>Reads a channel word, without regard to case.</summary>
    /// <param name="text">The word.</param>
    /// <param name="channel">The channel.</param>
    /// <returns>Whether the word is a channel.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out ContactChannel channel) => TryFind(Channels, text, out channel);

    /// <summary>Reads who started a contact, without regard to case.</summary>
    /// <param name="text">The word.</param>
    /// <param name="initiator">Who started it.</param>
    /// <returns>Whether the word is <c>therapist</c> or <c>client</c>.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out ContactInitiator initiator) => TryFind(Initiators, text, out initiator);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryFind<T>(string[] words, ReadOnlySpan<char> text, out T value)
        where T : struct, Enum
    {
        for (var i = 0; i < words.Length; i++)
        {
            if (text.Equals(words[i], StringComparison.OrdinalIgnoreCase))
            {
                // All the format's enums are byte-sized; this avoids boxing in the reader's hot loop.
                var b = (byte)i;
                value = System.Runtime.CompilerServices.Unsafe.As<byte, T>(ref b);
                return true;
            }
        }

        value = default;
        return false;
    }
}
