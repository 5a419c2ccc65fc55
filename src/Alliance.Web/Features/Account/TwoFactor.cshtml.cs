using System.ComponentModel.DataAnnotations;
using Alliance.Data;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alliance.Web.Features.Account;

/// <summary>
/// The second sign-in step, reached with Identity's short-lived two-factor cookie (set by the password step),
/// not the sign-in cookie: a code from the authenticator app, or one of the recovery codes. Wrong codes count
/// towards the same lockout as wrong passwords.
/// </summary>
[AllowAnonymous]
public sealed class TwoFactorModel(SignInManager<StaffUser> signIn, UserManager<StaffUser> users, ILogger<TwoFactorModel> logger) : PageModel
{
    public const string LockedOutMessage = "Too many failed attempts. This account is locked for 15 minutes; your agency's admin can help.";
    public const string WrongCodeMessage = "That code did not work. Type the newest code from your authenticator app, or one of your recovery codes.";

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Type the code from your authenticator app, or a recovery code.")]
        public string Code { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null) return StartAgain();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return StartAgain();
        if (!ModelState.IsValid) return Page();

        var code = AuthenticatorSetup.Clean(Input.Code);
        var result = AuthenticatorSetup.IsAppCode(code)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await RecoveryCodeSignInAsync(user, AuthenticatorSetup.RecoveryCode(code));
        if (result.Succeeded)
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");

        if (result.IsLockedOut || await users.IsLockedOutAsync(user))
        {
            SecurityLog.LockedOut(logger, user.Id);
            ModelState.AddModelError(string.Empty, LockedOutMessage);
        }
        else
        {
            SecurityLog.WrongCode(logger, user.Id);
            ModelState.AddModelError("Input.Code", WrongCodeMessage);
        }
        return Page();
    }

    /// <summary>A recovery code signs in once. Identity does not count a wrong one towards lockout; Alliance does.</summary>
    private async Task<Microsoft.AspNetCore.Identity.SignInResult> RecoveryCodeSignInAsync(StaffUser user, string code)
    {
        if (await users.IsLockedOutAsync(user)) return Microsoft.AspNetCore.Identity.SignInResult.LockedOut;
        var failuresBefore = await users.GetAccessFailedCountAsync(user);
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            SecurityLog.RecoveryCodeUsed(logger, user.Id, await users.CountRecoveryCodesAsync(user));
            return result;
        }
        if (!result.IsLockedOut && await users.GetAccessFailedCountAsync(user) == failuresBefore)
            await users.AccessFailedAsync(user);
        return result;
    }

    private LocalRedirectResult StartAgain()
    {
        TempData["Flash"] = "Sign in again: the step for your code takes at most five minutes.";
        return LocalRedirect("/account/sign-in");
    }
}
