-- wrk script for the comment POST: each request is a different reader with
-- their own session cookie, CSRF token, signed form stamp and comment, read
-- from the file bench/load.py prepares (one "cookie<TAB>form body" a line).
local forms = {}
local next_form = 0

function init(args)
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^([^\t]*)\t(.*)$")
    forms[#forms + 1] = { cookie = cookie, body = body }
  end
end

function request()
  next_form = next_form % #forms + 1
  local form = forms[next_form]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = form.cookie,
  }, form.body)
end
