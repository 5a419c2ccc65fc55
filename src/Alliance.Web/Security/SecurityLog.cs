namespace Alliance.Web.Security;

/// <summary>Sign-in security events, for the agency's IT lead. Staff ids only: no names, emails, codes or passwords.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Two-factor sign-in turned on for staff {StaffId}")]
    public static partial void TwoFactorOn(ILogger logger, Guid staffId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Two-factor sign-in turned off for staff {StaffId}")]
    public static partial void TwoFactorOff(ILogger logger, Guid staffId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "New recovery codes made for staff {StaffId}")]
    public static partial void RecoveryCodesMade(ILogger logger, Guid staffId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Staff {StaffId} signed in with a recovery code; {Left} left")]
    public static partial void RecoveryCodeUsed(ILogger logger, Guid staffId, int left);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "A wrong two-factor code was given for staff {StaffId}")]
    public static partial void WrongCode(ILogger logger, Guid staffId);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Staff {StaffId} is locked out after wrong two-factor codes")]
    public static partial void LockedOut(ILogger logger, Guid staffId);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Staff {StaffId} signed out everywhere")]
    public static partial void SignedOutEverywhere(ILogger logger, Guid staffId);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Staff {StaffId} changed their password")]
    public static partial void PasswordChanged(ILogger logger, Guid staffId);
}
