namespace Alliance.Web.Hosting;

/// <summary>The host's log messages. None carries client data: types, paths and counts only.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} at {Path}")]
    public static partial void Unhandled(ILogger logger, string? exceptionType, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Database ready ({Provider})")]
    public static partial void DatabaseReady(ILogger logger, Alliance.Application.DatabaseProvider provider);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The SQLite writer's thread could not be given precedence over the request threads (it needs root, CAP_SYS_NICE or a nice limit such as systemd's LimitNICE=-10); under heavy load, answers and other writes wait for the CPU behind the requests")]
    public static partial void WriterWithoutPrecedence(ILogger logger);
}
