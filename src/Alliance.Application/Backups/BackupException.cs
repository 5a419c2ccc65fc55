namespace Alliance.Application.Backups;

/// <summary>A backup or restore could not be done; the message says what and where, in an operator's words.</summary>
public sealed class BackupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackupException() { }

    /// <summary>Creates the exception with its message.</summary>
    public BackupException(string message) : base(message) { }

    /// <summary>Creates the exception with its message and cause.</summary>
    public BackupException(string message, Exception innerException) : base(message, innerException) { }
}
