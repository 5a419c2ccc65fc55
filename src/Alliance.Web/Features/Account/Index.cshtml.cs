using System.ComponentModel.DataAnnotations;
using Alliance.Data;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alliance.Web.Features.Account;

/// <summary>Your account: two-factor sign-in, a new password, and signing out on every device.</summary>
public sealed class AccountModel(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, ILogger<AccountModel> logger) : PageModel
{
    public sealed class PasswordInput
    {
        [Required(ErrorMessage = "Enter your current password.")]
        public string Current { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password.")]
        public string New { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [Compare(nameof(New), ErrorMessage = "The two passwords differ.")]
        public string Confirm { get; set; } = "";
    }

    [BindProperty] public PasswordInput Input { get; set; } = new();

    public string Name { get; private set; } = "";
    public string Email { get; private set; } = "";
    public bool TwoFactorOn { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (!ModelState.IsValid) return await ShowAsync(user);

        // The current password is checked as a sign-in would, so guesses here count towards the lockout too.
        var check = await signIn.CheckPasswordSignInAsync(user, Input.Current, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            ModelState.AddModelError(check.IsLockedOut ? string.Empty : "Input.Current",
                check.IsLockedOut ? TwoFactorModel.LockedOutMessage : "That is not your current password.");
            return await ShowAsync(user);
        }
        var changed = await users.ChangePasswordAsync(user, Input.Current, Input.New);
        if (!changed.Succeeded)
        {
            ModelState.AddModelError("Input.New", string.Join(" ", changed.Errors.Select(e => e.Description)));
            return await ShowAsync(user);
        }
        // The new security stamp ends every other session at its next check; this one is renewed.
        await signIn.RefreshSignInAsync(user);
        SecurityLog.PasswordChanged(logger, user.Id);
        TempData["Flash"] = "Your password is changed. Anywhere else you were signed in, you are now signed out.";
        return LocalRedirect("/account");
    }

    public async Task<IActionResult> OnPostEverywhereAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        // Every sign-in cookie carries the stamp it was issued with; a new stamp fails them all at their next check.
        await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        SecurityLog.SignedOutEverywhere(logger, user.Id);
        TempData["Flash"] = "You are signed out on every device, this one included.";
        return LocalRedirect("/account/sign-in");
    }

    private async Task<IActionResult> ShowAsync(StaffUser user)
    {
        await LoadAsync(user);
        return Page();
    }

    private async Task LoadAsync(StaffUser user)
    {
        Name = user.DisplayName;
        Email = user.Email ?? "";
        TwoFactorOn = await users.GetTwoFactorEnabledAsync(user);
    }
}
