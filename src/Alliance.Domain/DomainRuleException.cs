namespace Alliance.Domain;

/// <summary>
/// A request that would break one of the domain's rules. <see cref="Field"/> names the input at fault,
/// so a form can show the message beside it and the API can name it in its problem details.
/// The message never contains client data.
/// </summary>
public sealed class DomainRuleException : Exception
{
    /// <summary>Creates the exception for the named field.</summary>
    public DomainRuleException(string field, string message) : base(message) => Field = field;

    /// <summary>Creates the exception without a field.</summary>
    public DomainRuleException() : this(string.Empty, "A domain rule was broken.") { }

    /// <summary>Creates the exception without a field.</summary>
    public DomainRuleException(string message) : this(string.Empty, message) { }

    /// <summary>Creates the exception without a field.</summary>
    public DomainRuleException(string message, Exception innerException) : base(message, innerException) => Field = string.Empty;

    /// <summary>The input field the rule concerns (camelCase, as in the API), or empty.</summary>
    public string Field { get; }
}
